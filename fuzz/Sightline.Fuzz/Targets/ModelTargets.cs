using System.IO.Compression;
using System.Text;
using Sightline.Inference;
using Sightline.Inference.Sessions;
using Sightline.Models.Import;
using Sightline.Models.Onnx;
using Sightline.Vision.Classification;

namespace Sightline.Fuzz.Targets;

/// <summary>The readers of model files a user brings: TensorFlow.js manifests and weights, ONNX files, classifier files.</summary>
public static class ModelTargets
{
    private static readonly Lazy<string> Scratch = new(() =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"sightline-fuzz-onnx-{Environment.ProcessId}")).FullName);

    /// <summary>The input is a model.json, a zero byte, then the bytes every weight shard it names reads as.</summary>
    public static FuzzTarget Tfjs { get; } = new(
        "tfjs",
        "TfjsModelFile.Parse (graph, layers and face-api manifests) then TfjsWeightReader.Decode of its shards",
        ReadTfjs,
        data => TfjsSeeds(),
        length => 64L * 1024 * 1024 + 64L * length);

    public static FuzzTarget Onnx { get; } = new(
        "onnx",
        "OnnxModelEditor.ReadMetadata and FreeBatchAxis (the protobuf reader), then loading into ONNX Runtime through InferenceEngine.Open",
        ReadOnnx,
        data => OnnxSeeds(),
        length => 32L * 1024 * 1024 + 64L * length);

    public static FuzzTarget Classifier { get; } = new(
        "classifier",
        "ClassifierFile.Read of a .sightline file (zip, format version, classifier.json, validation)",
        ReadClassifier,
        data => ClassifierSeeds(),
        length => ClassifierFile.MaxDocumentBytes + 64L * length);

    private static void ReadTfjs(byte[] input)
    {
        var split = Array.IndexOf(input, (byte)0);
        var json = Encoding.UTF8.GetString(input, 0, split < 0 ? input.Length : split);
        var shard = split < 0 ? [] : input[(split + 1)..];
        // face-api's manifests are bare arrays, known by their file name: give an array the name of one of them.
        var source = json.TrimStart().StartsWith('[') ? "face_expression_model-weights_manifest.json" : "model.json";
        try
        {
            var model = TfjsModelFile.Parse(json, source);
            TfjsWeightReader.Decode(model, _ => shard);
        }
        catch (TfjsImportException)
        {
            // refused with a reason
        }
    }

    private static void ReadOnnx(byte[] input)
    {
        try
        {
            OnnxModelEditor.ReadMetadata(input);
            OnnxModelEditor.FreeBatchAxis(input);
        }
        catch (InvalidDataException)
        {
            // not a protobuf this reader understands; ONNX Runtime still gets to refuse it below
        }
        var path = Path.Combine(Scratch.Value, "model.onnx");
        File.WriteAllBytes(path, input);
        using var engine = new InferenceEngine(new EngineOptions(1));
        try
        {
            engine.Open(path);
        }
        catch (InferenceException)
        {
            // refused with a reason
        }
    }

    private static void ReadClassifier(byte[] input)
    {
        try
        {
            using var stream = new MemoryStream(input, writable: false);
            ClassifierFile.Read(stream, "fuzz.sightline");
        }
        catch (ClassifierFileException)
        {
            // refused with a reason
        }
    }

    private static IEnumerable<Seed> TfjsSeeds()
    {
        // A graph model: x -> Conv2D(1x1, 2 -> 1) -> Relu, and its four float weights.
        const string graph = """
            {"format":"graph-model","generatedBy":"2.9.0","convertedBy":"TensorFlow.js Converter v3",
             "modelTopology":{"node":[
               {"name":"x","op":"Placeholder","attr":{"dtype":{"type":"DT_FLOAT"},"shape":{"shape":{"dim":[{"size":"1"},{"size":"4"},{"size":"4"},{"size":"2"}]}}}},
               {"name":"w","op":"Const","attr":{"dtype":{"type":"DT_FLOAT"},"value":{"tensor":{"dtype":"DT_FLOAT","tensorShape":{"dim":[{"size":"1"},{"size":"1"},{"size":"2"},{"size":"1"}]}}}}},
               {"name":"conv","op":"Conv2D","input":["x","w"],"attr":{"strides":{"list":{"i":["1","1","1","1"]}},"padding":{"s":"U0FNRQ=="},"data_format":{"s":"TkhXQw=="},"T":{"type":"DT_FLOAT"}}},
               {"name":"y","op":"Relu","input":["conv"],"attr":{"T":{"type":"DT_FLOAT"}}}]},
             "weightsManifest":[{"paths":["group1-shard1of1.bin"],"weights":[{"name":"w","shape":[1,1,2,1],"dtype":"float32"}]}]}
            """;
        yield return TfjsSeed("made-graph", graph, BitConverter.GetBytes(0.5f).Concat(BitConverter.GetBytes(-1f)).ToArray());
        // A face-api manifest (an array of groups), quantised to uint8.
        const string faceApi = """
            [{"paths":["shard1"],"weights":[{"name":"fc/weights","shape":[2,2],"dtype":"float32","quantization":{"dtype":"uint8","scale":0.01,"min":-1}},
              {"name":"fc/bias","shape":[2],"dtype":"float32"}]}]
            """;
        yield return TfjsSeed("made-face-api", faceApi, [1, 2, 3, 4, 0, 0, 128, 63, 0, 0, 0, 64]);
        // A layers model with one dense layer.
        const string layers = """
            {"format":"layers-model","modelTopology":{"class_name":"Sequential","config":{"name":"s","layers":[
              {"class_name":"Dense","config":{"name":"dense","units":2,"activation":"softmax","use_bias":true,"batch_input_shape":[null,3],"dtype":"float32"}}]},
              "keras_version":"2.4.0","backend":"tensorflow"},
             "weightsManifest":[{"paths":["w.bin"],"weights":[{"name":"dense/kernel","shape":[3,2],"dtype":"float32"},{"name":"dense/bias","shape":[2],"dtype":"float32","quantization":{"dtype":"float16"}}]}]}
            """;
        yield return TfjsSeed("made-layers", layers, new byte[6 * 4 + 2 * 2]);
    }

    private static Seed TfjsSeed(string name, string json, byte[] shard) =>
        new(name, [.. Encoding.UTF8.GetBytes(json), 0, .. shard]);

    private static IEnumerable<Seed> OnnxSeeds()
    {
        float[] w = [1, 0, 0, 1, 1, -1];
        var graph = OnnxBuilder.Graph("head",
            [
                OnnxBuilder.Node("Gemm", ["x", "W", "b"], ["logits"], "gemm", OnnxBuilder.Attribute("transB", 0L)),
                OnnxBuilder.Node("Softmax", ["logits"], ["y"], "softmax", OnnxBuilder.Attribute("axis", 1L)),
            ],
            [OnnxBuilder.Tensor("W", [3, 2], w), OnnxBuilder.Tensor("b", [2], new float[] { 0, 0 })],
            [OnnxBuilder.Value("x", OnnxType.Float, 1, 3)],
            [OnnxBuilder.Value("y", OnnxType.Float, 1, 2)]);
        yield return new Seed("made-gemm.onnx", OnnxBuilder.Model(graph, metadata: new Dictionary<string, string> { ["classes"] = "a,b" }));
        var conv = OnnxBuilder.Graph("conv",
            [OnnxBuilder.Node("Conv", ["x", "k"], ["y"], "conv", OnnxBuilder.Attribute("pads", new long[] { 1, 1, 1, 1 }))],
            [OnnxBuilder.Tensor("k", [1, 1, 3, 3], new float[9])],
            [OnnxBuilder.Value("x", OnnxType.Float, 1, 1, 8, 8)],
            [OnnxBuilder.Value("y", OnnxType.Float, 1, 1, 8, 8)]);
        yield return new Seed("made-conv.onnx", OnnxBuilder.Model(conv));
    }

    private static IEnumerable<Seed> ClassifierSeeds()
    {
        var classes = new[] { "cats", "dogs", "owls" };
        var examples = new List<LabelledExample>();
        for (var c = 0; c < classes.Length; c++)
            for (var i = 0; i < 8; i++)
            {
                var v = new float[8];
                v[c] = 1;
                v[3 + (i % 5)] = 0.1f * (i + 1);
                var norm = MathF.Sqrt(v.Sum(x => x * x));
                examples.Add(new LabelledExample($"{classes[c]}/{i}.jpg", c, v.Select(x => x / norm).ToArray()));
            }
        var trained = new ClassifierTrainer(new ClassifierTrainingOptions(Folds: 2)).Train(new LabelledSet(classes, examples));
        var backbone = new BackboneInfo("fuzz-backbone", "1", new string('a', 64), 8, 224, 224, "224x224 NCHW RGB");
        var model = ClassifierModel.Create(trained, backbone, new TrainingSummary("/fuzz", [8, 8, 8], [], false, 0, 1, 0, 0));
        var path = Path.Combine(Path.GetTempPath(), $"sightline-fuzz-seed-{Environment.ProcessId}.sightline");
        ClassifierFile.Save(model, path);
        var bytes = File.ReadAllBytes(path);
        File.Delete(path);
        yield return new Seed("made.sightline", bytes);
        // The same document stored without compression, so mutations reach the JSON reader directly.
        using var plain = new MemoryStream();
        using (var zip = new ZipArchive(plain, ZipArchiveMode.Create, leaveOpen: true))
        using (var entry = zip.CreateEntry(ClassifierFile.EntryName, CompressionLevel.NoCompression).Open())
        using (var source = new ZipArchive(new MemoryStream(bytes)).GetEntry(ClassifierFile.EntryName)!.Open())
            source.CopyTo(entry);
        yield return new Seed("made-stored.sightline", plain.ToArray());
    }
}
