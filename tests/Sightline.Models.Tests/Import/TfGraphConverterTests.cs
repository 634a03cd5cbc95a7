using Sightline.Inference.Sessions;
using Sightline.Models.Import;
using static Sightline.Models.Tests.Import.TfGraphBuilder;

namespace Sightline.Models.Tests.Import;

/// <summary>Small graphs built in code, converted, run in ONNX Runtime and checked against direct loops.</summary>
public sealed class TfGraphConverterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sightline-tfgraph-").FullName;
    private readonly InferenceEngine _engine = new(new EngineOptions(1));

    private IReadOnlyList<OutputTensor> Run(TfjsImportResult result, float[] input, int batch)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".onnx");
        File.WriteAllBytes(path, result.Onnx);
        return _engine.Open(path).Run(input, batch);
    }

    private static void Near(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance = 1e-4f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void An_unknown_op_fails_naming_the_op_and_the_node()
    {
        var graph = new TfGraphBuilder();
        var x = graph.Input("x", 1, 4);
        graph.Op("FrobnicateV7", "layer/frob", [x]);
        graph.Output("layer/frob");
        var error = Assert.Throws<TfjsImportException>(() => graph.Import());
        Assert.Equal(TfjsImportErrorKind.UnsupportedOp, error.Kind);
        Assert.Contains("FrobnicateV7", error.Message);
        Assert.Contains("layer/frob", error.Message);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(2, false)]
    public void Fused_convolution_with_bias_and_relu6_matches_the_definition(int stride, bool same)
    {
        const int h = 9, w = 7, c = 3, k = 3, outC = 4;
        var graph = new TfGraphBuilder();
        var x = graph.Input("x", 1, h, w, c);
        var filter = NaiveOps.Random(k * k * c * outC, 5);
        var bias = NaiveOps.Random(outC, 6);
        graph.Const("filter", [k, k, c, outC], filter);
        graph.Const("bias", [outC], bias);
        graph.Op("_FusedConv2D", "conv", [x, "filter", "bias"], Attrs(
            ("strides", IntList(1, stride, stride, 1)), ("padding", StringValue(same ? "SAME" : "VALID")),
            ("data_format", StringValue("NHWC")), ("fused_ops", StringList("BiasAdd", "Relu6"))));
        graph.Output("conv");
        var input = NaiveOps.Random(h * w * c, 7).Select(v => v * 4).ToArray();

        var output = Run(graph.Import(), input, 1).Single();

        var expected = NaiveOps.Conv2D(input, 1, h, w, c, filter, k, k, outC, stride, same, out var oh, out var ow);
        for (var i = 0; i < expected.Length; i++)
            expected[i] = Math.Clamp(expected[i] + bias[i % outC], 0, 6);
        Assert.Equal([1, oh, ow, outC], output.Shape);
        Near(expected, output.Values);
    }

    [Fact]
    public void Depthwise_convolution_with_a_channel_multiplier_matches_the_definition()
    {
        const int h = 6, w = 6, c = 3, k = 3, m = 2;
        var graph = new TfGraphBuilder();
        var x = graph.Input("x", 1, h, w, c);
        var filter = NaiveOps.Random(k * k * c * m, 8);
        graph.Const("filter", [k, k, c, m], filter);
        graph.Op("DepthwiseConv2dNative", "dw", [x, "filter"], Attrs(
            ("strides", IntList(1, 2, 2, 1)), ("padding", StringValue("SAME")), ("data_format", StringValue("NHWC"))));
        graph.Output("dw");
        var input = NaiveOps.Random(h * w * c, 9);

        var output = Run(graph.Import(), input, 1).Single();

        var expected = NaiveOps.Depthwise(input, 1, h, w, c, filter, k, k, m, 2, true, out var oh, out var ow);
        Assert.Equal([1, oh, ow, c * m], output.Shape);
        Near(expected, output.Values);
    }

    [Fact]
    public void A_chain_of_convolutions_stays_nchw_with_one_transpose_in_and_one_out()
    {
        var graph = ConvChain(out var input);
        var result = graph.Import();
        Assert.Equal(2, result.Conversion.Transposes);

        // conv -> relu -> conv -> maxpool, checked against the loops.
        var conv1 = NaiveOps.Conv2D(input, 1, 8, 8, 2, Filter1, 3, 3, 4, 1, true, out _, out _).Select(v => Math.Max(v, 0)).ToArray();
        var conv2 = NaiveOps.Conv2D(conv1, 1, 8, 8, 4, Filter2, 1, 1, 3, 1, true, out _, out _);
        var pooled = new float[4 * 4 * 3];
        for (var i = 0; i < 4; i++)
        for (var j = 0; j < 4; j++)
        for (var ch = 0; ch < 3; ch++)
            pooled[(i * 4 + j) * 3 + ch] = new[] { 0, 1 }.SelectMany(a => new[] { 0, 1 }.Select(b => conv2[((2 * i + a) * 8 + 2 * j + b) * 3 + ch])).Max();
        var output = Run(result, input, 1).Single();
        Assert.Equal([1, 4, 4, 3], output.Shape);
        Near(pooled, output.Values);
    }

    private static readonly float[] Filter1 = NaiveOps.Random(3 * 3 * 2 * 4, 10);
    private static readonly float[] Filter2 = NaiveOps.Random(4 * 3, 11);

    private static TfGraphBuilder ConvChain(out float[] input)
    {
        var graph = new TfGraphBuilder();
        var x = graph.Input("x", 1, 8, 8, 2);
        graph.Const("f1", [3, 3, 2, 4], Filter1);
        graph.Const("f2", [1, 1, 4, 3], Filter2);
        var same = ("padding", StringValue("SAME"));
        var strides = ("strides", IntList(1, 1, 1, 1));
        graph.Op("Conv2D", "c1", [x, "f1"], Attrs(strides, same));
        graph.Op("Relu", "r1", ["c1"]);
        graph.Op("Conv2D", "c2", ["r1", "f2"], Attrs(strides, same));
        graph.Op("MaxPool", "pool", ["c2"], Attrs(("ksize", IntList(1, 2, 2, 1)), ("strides", IntList(1, 2, 2, 1)), ("padding", StringValue("VALID"))));
        graph.Output("pool");
        input = NaiveOps.Random(8 * 8 * 2, 12);
        return graph;
    }

    [Fact]
    public void Transposes_that_cancel_emit_nothing()
    {
        var graph = new TfGraphBuilder();
        var x = graph.Input("x", 1, 2, 3, 4);
        graph.Ints("to_nchw", 0, 3, 1, 2);
        graph.Ints("to_nhwc", 0, 2, 3, 1);
        graph.Op("Transpose", "t1", [x, "to_nchw"]);
        graph.Op("Transpose", "t2", ["t1", "to_nhwc"]);
        graph.Op("Relu", "y", ["t2"]);
        graph.Output("y");
        var result = graph.Import();
        Assert.Equal(0, result.Conversion.Transposes);
        var input = NaiveOps.Random(24, 13);
        Near(input.Select(v => Math.Max(v, 0)).ToArray(), Run(result, input, 1).Single().Values, 0);
    }

    [Fact]
    public void A_spatial_mean_after_a_convolution_needs_no_transpose_back()
    {
        var graph = new TfGraphBuilder();
        var x = graph.Input("x", -1, 5, 5, 2);
        var filter = NaiveOps.Random(6, 14);
        graph.Const("f", [1, 1, 2, 3], filter);
        graph.Op("Conv2D", "c", [x, "f"], Attrs(("strides", IntList(1, 1, 1, 1)), ("padding", StringValue("VALID"))));
        graph.Ints("axes", 1, 2);
        graph.Op("Mean", "m", ["c", "axes"], Attrs(("keep_dims", new System.Text.Json.Nodes.JsonObject { ["b"] = false })));
        graph.Output("m");
        var result = graph.Import();
        Assert.Equal(1, result.Conversion.Transposes);
        var input = NaiveOps.Random(50, 15);
        var conv = NaiveOps.Conv2D(input, 1, 5, 5, 2, filter, 1, 1, 3, 1, false, out _, out _);
        var expected = Enumerable.Range(0, 3).Select(ch => Enumerable.Range(0, 25).Average(p => conv[p * 3 + ch])).Select(v => (float)v).ToArray();
        var output = Run(result, input, 1).Single();
        Assert.Equal([1, 3], output.Shape);
        Near(expected, output.Values);
    }

    [Fact]
    public void A_batch_one_reshape_follows_the_batch_so_items_run_together()
    {
        var graph = new TfGraphBuilder();
        var x = graph.Input("x", 1, 4, 4, 2);
        graph.Const("f", [3, 3, 2, 2], NaiveOps.Random(36, 16));
        graph.Op("Conv2D", "c", [x, "f"], Attrs(("strides", IntList(1, 2, 2, 1)), ("padding", StringValue("SAME"))));
        graph.Ints("shape", 1, 8);
        graph.Op("Reshape", "flat", ["c", "shape"]);
        graph.Op("Softmax", "p", ["flat"]);
        graph.Output("p");
        var result = graph.Import();
        Assert.True(result.Conversion.BatchFree);

        var items = Enumerable.Range(0, 3).Select(i => NaiveOps.Random(32, 20 + i)).ToArray();
        var batched = Run(result, items.SelectMany(v => v).ToArray(), 3).Single();
        Assert.Equal([3, 8], batched.Shape);
        for (var i = 0; i < 3; i++)
            Near(Run(result, items[i], 1).Single().Values, batched.Item(i), 1e-6f);
    }

    [Fact]
    public void A_graph_that_folds_the_batch_into_a_fixed_shape_keeps_batch_one()
    {
        var graph = new TfGraphBuilder();
        var x = graph.Input("x", 1, 4, 4, 2);
        graph.Ints("shape", 16, 2);
        graph.Op("Reshape", "rows", [x, "shape"]);
        graph.Output("rows");
        var result = graph.Import();
        Assert.False(result.Conversion.BatchFree);
        var input = NaiveOps.Random(32, 40);
        var output = Run(result, input, 1).Single();
        Assert.Equal([16, 2], output.Shape);
        Assert.Equal(input, output.Values);
    }

    [Fact]
    public void Quantised_weights_reach_the_graph_dequantised()
    {
        var graph = new TfGraphBuilder();
        var x = graph.Input("x", 1, 4);
        byte[] q = [0, 10, 200, 255];
        graph.QuantizedConst("w", [4], q, 0.01, -0.5);
        graph.Op("Mul", "y", [x, "w"]);
        graph.Output("y");
        var input = new float[] { 1, 2, 3, 4 };
        var expected = q.Select((v, i) => input[i] * (float)(v * 0.01 + -0.5)).ToArray();
        Near(expected, Run(graph.Import(), input, 1).Single().Values, 1e-6f);
    }

    [Fact]
    public void The_onnx_file_records_its_provenance()
    {
        var graph = ConvChain(out _);
        var result = graph.Import(new TfjsImportOptions(Metadata: new Dictionary<string, string> { ["sightline.source"] = "npm:test@1.0.0" }));
        var path = Path.Combine(_directory, "provenance.onnx");
        File.WriteAllBytes(path, result.Onnx);
        var metadata = _engine.Open(path).Metadata;
        Assert.Equal($"tfjs-graph v{TfjsImporter.ConverterVersion}", metadata["sightline.converter"]);
        Assert.Equal("npm:test@1.0.0", metadata["sightline.source"]);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(graph.Shard)), metadata["sightline.tfjs.weights_sha256"]);
        Assert.Contains("Conv2D:2", metadata["sightline.tfjs.ops"]);
    }

    public void Dispose()
    {
        _engine.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
