using System.Text.Json;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Models.Onnx;
using Sightline.Vision.Preprocessing;

namespace Sightline.Vision.Classification;

/// <summary>
/// Writes a classifier as one self-contained ONNX model: the backbone graph with the pre-processing
/// put in front and the head behind it, class names in its metadata.
/// Input <c>pixels</c>: float32 [N, H, W, 3], RGB 0-255, already scaled to cover H x W and centre-cropped
/// (what Sightline feeds its backbone). Outputs <c>probabilities</c>, <c>logits</c> and <c>class_similarity</c>
/// (cosine to each class centre, for the unknown rule): float32 [N, classes].
/// The graph: Transpose to NCHW, Gather to the backbone's channel order, Mul/Add with the folded affine
/// pre-processing, backbone, Flatten, Sqrt, divide by the L2 norm, Gemm, Softmax.
/// </summary>
public static class ClassifierExport
{
    public const string InputName = "pixels";
    public const string ProbabilitiesName = "probabilities";
    public const string LogitsName = "logits";
    public const string SimilarityName = "class_similarity";

    /// <summary>Exports using the backbone's own folded pre-processing (its <c>preprocess.onnx</c>).</summary>
    public static byte[] ToOnnx(ClassifierModel model, CachedModel backbone, InferenceEngine engine)
    {
        if (model.Backbone.Mismatch(backbone) is { } problem)
            throw new ClassifierFileException(ClassifierFileErrorKind.BackboneMismatch, problem);
        var preprocess = backbone.PathOf("preprocess.onnx");
        if (!File.Exists(preprocess))
            throw new NotSupportedException($"backbone '{backbone.Entry.Id}' has no preprocess.onnx; its pre-processing cannot be exported");
        var graph = engine.Open(preprocess);
        var affine = PreprocessingGraph.FoldAffine(graph, 3, model.Backbone.InputHeight, model.Backbone.InputWidth);
        return ToOnnx(model, File.ReadAllBytes(backbone.ModelPath), affine);
    }

    public static byte[] ToOnnx(ClassifierModel model, byte[] backboneOnnx, ChannelAffine affine)
    {
        var fields = OnnxFields.Parse(backboneOnnx);
        var graphField = fields.FirstOrDefault(f => f.Number == ModelGraph);
        if (graphField.Payload.IsEmpty)
            throw new InvalidDataException("the backbone ONNX file has no graph");
        var graph = OnnxFields.Parse(graphField.Payload);
        var inputs = graph.Where(f => f.Number == GraphInput).ToList();
        var initializerNames = graph.Where(f => f.Number == GraphInitializer).Select(f => OnnxFields.Name(f.Payload, TensorName)).ToHashSet(StringComparer.Ordinal);
        var dataInputs = inputs.Where(f => !initializerNames.Contains(OnnxFields.Name(f.Payload, ValueName))).ToList();
        var outputs = graph.Where(f => f.Number == GraphOutput).ToList();
        if (dataInputs.Count != 1 || outputs.Count != 1)
            throw new NotSupportedException($"the backbone graph has {dataInputs.Count} data inputs and {outputs.Count} outputs; export handles one of each");
        var backboneInput = OnnxFields.Name(dataInputs[0].Payload, ValueName);
        var backboneOutput = OnnxFields.Name(outputs[0].Payload, ValueName);

        int h = affine.Height, w = affine.Width, k = model.Head.Classes, d = model.Head.Dimension;
        const string p = "sightline_";
        long[] affineShape = affine.PerElement ? [3, h, w] : [3, 1, 1];
        var initializers = new List<byte[]>
        {
            OnnxBuilder.Tensor(p + "channel_sources", [3], affine.Sources.Select(s => (long)s).ToArray()),
            OnnxBuilder.Tensor(p + "scale", affineShape, affine.Scale),
            OnnxBuilder.Tensor(p + "bias", affineShape, affine.Bias),
            OnnxBuilder.Tensor(p + "epsilon", [1], [1e-12f]),
            OnnxBuilder.Tensor(p + "head_weights", [k, d], model.Head.Weights),
            OnnxBuilder.Tensor(p + "head_bias", [k], model.Head.Bias),
        };
        var before = new List<byte[]>
        {
            OnnxBuilder.Node("Transpose", [InputName], [p + "nchw"], p + "to_nchw", OnnxBuilder.Attribute("perm", [0L, 3, 1, 2])),
            OnnxBuilder.Node("Gather", [p + "nchw", p + "channel_sources"], [p + "ordered"], p + "channel_order", OnnxBuilder.Attribute("axis", 1L)),
            OnnxBuilder.Node("Mul", [p + "ordered", p + "scale"], [p + "scaled"], p + "affine_scale"),
            OnnxBuilder.Node("Add", [p + "scaled", p + "bias"], [backboneInput], p + "affine_bias"),
        };
        var after = new List<byte[]>
        {
            OnnxBuilder.Node("Flatten", [backboneOutput], [p + "features"], p + "flatten", OnnxBuilder.Attribute("axis", 1L)),
            OnnxBuilder.Node("Sqrt", [p + "features"], [p + "rooted"], p + "power_norm"),
            OnnxBuilder.Node("ReduceL2", [p + "rooted"], [p + "norm"], p + "l2", OnnxBuilder.Attribute("axes", [1L]), OnnxBuilder.Attribute("keepdims", 1L)),
            OnnxBuilder.Node("Max", [p + "norm", p + "epsilon"], [p + "safe_norm"], p + "l2_floor"),
            OnnxBuilder.Node("Div", [p + "rooted", p + "safe_norm"], [p + "unit"], p + "unit_length"),
            OnnxBuilder.Node("Gemm", [p + "unit", p + "head_weights", p + "head_bias"], [LogitsName], p + "head", OnnxBuilder.Attribute("transB", 1L)),
            OnnxBuilder.Node("Softmax", [LogitsName], [ProbabilitiesName], p + "softmax", OnnxBuilder.Attribute("axis", 1L)),
        };
        if (model.Unknown.Centroids is { } centroids)
        {
            // Class centres as columns: unit features times them gives each class's cosine similarity.
            var columns = new float[d * k];
            for (var c = 0; c < k; c++)
                for (var j = 0; j < d; j++)
                    columns[j * k + c] = centroids[c][j];
            initializers.Add(OnnxBuilder.Tensor(p + "centroids", [d, k], columns));
            var compared = p + "unit";
            if (model.Unknown.Score == UnknownScore.RawCentroidCosine)
            {
                // The raw rule compares the backbone's embedding itself, at unit length, not the square-rooted features.
                after.Add(OnnxBuilder.Node("ReduceL2", [p + "features"], [p + "raw_norm"], p + "raw_l2", OnnxBuilder.Attribute("axes", [1L]), OnnxBuilder.Attribute("keepdims", 1L)));
                after.Add(OnnxBuilder.Node("Max", [p + "raw_norm", p + "epsilon"], [p + "safe_raw_norm"], p + "raw_l2_floor"));
                after.Add(OnnxBuilder.Node("Div", [p + "features", p + "safe_raw_norm"], [p + "raw_unit"], p + "raw_unit_length"));
                compared = p + "raw_unit";
            }
            after.Add(OnnxBuilder.Node("MatMul", [compared, p + "centroids"], [SimilarityName], p + "centroid_cosine"));
        }

        // Nodes must stay in topological order: the new front nodes go before the backbone's.
        var newGraph = new List<OnnxFields.Field>();
        newGraph.AddRange(before.Select(n => OnnxFields.Field.Bytes(GraphNode, n)));
        newGraph.AddRange(graph.Where(f => f.Number != GraphOutput && !(f.Number == GraphInput && dataInputs.Any(i => i.Payload.Equals(f.Payload)))));
        newGraph.AddRange(after.Select(n => OnnxFields.Field.Bytes(GraphNode, n)));
        newGraph.AddRange(initializers.Select(t => OnnxFields.Field.Bytes(GraphInitializer, t)));
        newGraph.Add(OnnxFields.Field.Bytes(GraphInput, OnnxBuilder.Value(InputName, OnnxType.Float, "N", h, w, 3)));
        newGraph.Add(OnnxFields.Field.Bytes(GraphOutput, OnnxBuilder.Value(ProbabilitiesName, OnnxType.Float, "N", k)));
        newGraph.Add(OnnxFields.Field.Bytes(GraphOutput, OnnxBuilder.Value(LogitsName, OnnxType.Float, "N", k)));
        if (model.Unknown.Centroids is not null)
            newGraph.Add(OnnxFields.Field.Bytes(GraphOutput, OnnxBuilder.Value(SimilarityName, OnnxType.Float, "N", k)));

        var modelFields = fields.Where(f => f.Number != ModelMetadata)
            .Select(f => f.Number == ModelGraph ? OnnxFields.Field.Bytes(ModelGraph, OnnxFields.Write(newGraph)) : f)
            .ToList();
        var bytes = OnnxFields.Write(modelFields);
        return OnnxModelEditor.SetMetadata(bytes, Metadata(model, h, w));
    }

    public static IReadOnlyDictionary<string, string> Metadata(ClassifierModel model, int height, int width) => new Dictionary<string, string>
    {
        ["sightline.format"] = "sightline-image-classifier/1",
        ["sightline.classes"] = JsonSerializer.Serialize(model.Classes),
        ["sightline.input"] = $"{InputName}: float32 [N,{height},{width},3], RGB, values 0-255, image scaled to cover {width}x{height} then centre-cropped",
        ["sightline.outputs"] = $"{ProbabilitiesName}: float32 [N,{model.Classes.Count}] softmax over the classes in sightline.classes order; {LogitsName}: the same before softmax; {SimilarityName}: cosine similarity to each class centre"
            + (model.Unknown.Score == UnknownScore.RawCentroidCosine ? " (of the backbone's embedding at unit length, before the square-root feature map)" : ""),
        ["sightline.backbone"] = $"{model.Backbone.Id} {model.Backbone.Version} sha256:{model.Backbone.Sha256}",
        ["sightline.unknown"] = JsonSerializer.Serialize(new
        {
            score = model.Unknown.Score.ToString(),
            threshold = model.Unknown.ThresholdJson,
            rule = model.Unknown.IsOff ? "off: never unknown (the rule could not be calibrated)" : model.Unknown.Score switch
            {
                UnknownScore.MaxProbability => $"unknown when max({ProbabilitiesName}) < threshold",
                UnknownScore.MaxLogit => $"unknown when max({LogitsName}) < threshold",
                _ => $"unknown when max({SimilarityName}) < threshold",
            },
        }, ClassifierFile.JsonOptions),
        ["sightline.trained"] = model.Created.ToString("O"),
    };

    // ModelProto, GraphProto, TensorProto and ValueInfoProto field numbers (onnx.proto).
    private const int ModelGraph = 7, ModelMetadata = 14;
    private const int GraphNode = 1, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
    private const int TensorName = 8, ValueName = 1;
}

/// <summary>
/// Top-level protobuf fields kept as raw bytes, enough to cut and splice ONNX messages. (The Models
/// project's wire reader is internal to it; this is the small part export needs.)
/// </summary>
internal static class OnnxFields
{
    public readonly record struct Field(int Number, int WireType, ReadOnlyMemory<byte> Payload, ulong Value)
    {
        public static Field Bytes(int number, ReadOnlyMemory<byte> payload) => new(number, 2, payload, 0);
    }

    public static List<Field> Parse(ReadOnlyMemory<byte> message)
    {
        var fields = new List<Field>();
        var span = message.Span;
        var pos = 0;
        while (pos < span.Length)
        {
            var tag = Varint(span, ref pos);
            int number = (int)(tag >> 3), wire = (int)(tag & 7);
            switch (wire)
            {
                case 0:
                    fields.Add(new Field(number, wire, default, Varint(span, ref pos)));
                    break;
                case 1 or 5:
                    var size = wire == 1 ? 8 : 4;
                    if (pos + size > span.Length)
                        throw new InvalidDataException("protobuf field runs past the end");
                    fields.Add(new Field(number, wire, message.Slice(pos, size), 0));
                    pos += size;
                    break;
                case 2:
                    var length = (int)Varint(span, ref pos);
                    if (length < 0 || pos + length > span.Length)
                        throw new InvalidDataException("protobuf field runs past the end");
                    fields.Add(new Field(number, wire, message.Slice(pos, length), 0));
                    pos += length;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {wire} is not supported");
            }
        }
        return fields;
    }

    public static string Name(ReadOnlyMemory<byte> message, int number) =>
        Parse(message).Where(f => f.Number == number && f.WireType == 2).Select(f => System.Text.Encoding.UTF8.GetString(f.Payload.Span)).FirstOrDefault() ?? "";

    public static byte[] Write(IEnumerable<Field> fields)
    {
        using var stream = new MemoryStream();
        foreach (var f in fields)
        {
            WriteVarint(stream, ((ulong)f.Number << 3) | (uint)f.WireType);
            if (f.WireType == 0)
                WriteVarint(stream, f.Value);
            else
            {
                if (f.WireType == 2)
                    WriteVarint(stream, (ulong)f.Payload.Length);
                stream.Write(f.Payload.Span);
            }
        }
        return stream.ToArray();
    }

    private static ulong Varint(ReadOnlySpan<byte> span, ref int pos)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (pos >= span.Length)
                throw new InvalidDataException("protobuf varint runs past the end");
            var b = span[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return result;
        }
        throw new InvalidDataException("protobuf varint too long");
    }

    private static void WriteVarint(Stream stream, ulong value)
    {
        for (; value >= 0x80; value >>= 7)
            stream.WriteByte((byte)(value | 0x80));
        stream.WriteByte((byte)value);
    }
}
