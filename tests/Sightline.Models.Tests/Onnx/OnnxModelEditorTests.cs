using Sightline.Inference.Sessions;
using Sightline.Models.Onnx;
using Sightline.Tests.Shared;

namespace Sightline.Models.Tests.Onnx;

public sealed class OnnxModelEditorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-onnx-").FullName;

    private string Save(string name, byte[] model)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, model);
        return path;
    }

    [Fact]
    public void Freeing_the_batch_axis_lets_a_batch_1_model_run_any_batch_with_the_same_results()
    {
        var fixedModel = TinyOnnx.ReluTimesTwo(batch: 1, features: 3);
        using var engine = new InferenceEngine(new EngineOptions(1));
        Assert.False(engine.Open(Save("fixed.onnx", fixedModel)).SupportsBatch);

        var session = engine.Open(Save("free.onnx", OnnxModelEditor.FreeBatchAxis(fixedModel)));
        Assert.True(session.SupportsBatch);
        Assert.True(session.Outputs[0].HasFreeBatchAxis);
        var output = session.Run(new float[] { -1, 2, 3, 4, -5, 6 }, 2)[0];
        Assert.Equal([2, 3], output.Shape);
        Assert.Equal([0f, 4, 6, 8, 0, 12], output.Values);
    }

    [Fact]
    public void Metadata_is_added_and_replaced_and_readable_by_the_runtime()
    {
        var model = OnnxModelEditor.SetMetadata(TinyOnnx.ReluTimesTwo(null, 2), new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });
        model = OnnxModelEditor.SetMetadata(model, new Dictionary<string, string> { ["a"] = "3" });
        Assert.Equal(new Dictionary<string, string> { ["a"] = "3", ["b"] = "2" }, OnnxModelEditor.ReadMetadata(model));
        using var engine = new InferenceEngine(new EngineOptions(1));
        var session = engine.Open(Save("meta.onnx", model));
        Assert.Equal("3", session.Metadata["a"]);
        Assert.Equal("2", session.Metadata["b"]);
    }

    [Fact]
    public void Bytes_that_are_not_protobuf_are_refused()
    {
        Assert.Throws<InvalidDataException>(() => OnnxModelEditor.FreeBatchAxis([0x3A, 0xFF, 0xFF, 0xFF, 0x0F]));
        Assert.Throws<InvalidDataException>(() => OnnxModelEditor.FreeBatchAxis([0x07]));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Metadata_that_names_a_key_twice_is_refused_as_unreadable()
    {
        // Found by fuzzing: the two values used to meet in a dictionary that throws on the second.
        var model = OnnxModelEditor.SetMetadata(TinyOnnx.ReluTimesTwo(batch: 1, features: 3), new Dictionary<string, string> { ["classes"] = "a,b" });
        var again = ProtoWire.Write([ProtoWire.Bytes(14, ProtoWire.Write([ProtoWire.String(1, "classes"), ProtoWire.String(2, "c,d")]))]);

        Assert.Equal("a,b", OnnxModelEditor.ReadMetadata(model)["classes"]);
        var error = Assert.Throws<InvalidDataException>(() => OnnxModelEditor.ReadMetadata([.. model, .. again]));
        Assert.Contains("'classes' twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_whose_metadata_key_holds_a_zero_byte_is_refused_with_a_reason()
    {
        // Found by fuzzing: ONNX Runtime loads it, then its managed metadata reader throws NullReferenceException.
        var model = OnnxModelEditor.SetMetadata(TinyOnnx.ReluTimesTwo(batch: 1, features: 3), new Dictionary<string, string> { ["cl\0\0\0\0s"] = "a,b" });
        using var engine = new InferenceEngine(new EngineOptions(1));

        var error = Assert.Throws<InferenceException>(() => engine.Open(Save("zero-in-key.onnx", model)));

        Assert.Contains("zero-in-key.onnx", error.Message, StringComparison.Ordinal);
        Assert.Contains("metadata", error.Message, StringComparison.Ordinal);
    }
}

public sealed class OnnxBuilderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-builder-").FullName;

    [Fact]
    public void A_built_graph_with_initializers_and_attributes_runs_in_onnx_runtime()
    {
        // y = Softmax(Gemm(x, W, b), axis=1) with a free batch axis.
        float[] w = [1, 0, 0, 1, 1, -1];
        var graph = OnnxBuilder.Graph("head",
            [
                OnnxBuilder.Node("Gemm", ["x", "W", "b"], ["logits"], "gemm", OnnxBuilder.Attribute("transB", 0L), OnnxBuilder.Attribute("alpha", 1f)),
                OnnxBuilder.Node("Softmax", ["logits"], ["y"], "softmax", OnnxBuilder.Attribute("axis", 1L)),
            ],
            [OnnxBuilder.Tensor("W", [3, 2], w), OnnxBuilder.Tensor("b", [2], new float[] { 0, 0 })],
            [OnnxBuilder.Value("x", OnnxType.Float, "batch", 3)],
            [OnnxBuilder.Value("y", OnnxType.Float, "batch", 2)]);
        var path = Path.Combine(_dir, "head.onnx");
        File.WriteAllBytes(path, OnnxBuilder.Model(graph, metadata: new Dictionary<string, string> { ["classes"] = "a,b" }));

        using var engine = new InferenceEngine(new EngineOptions(1));
        var session = engine.Open(path);
        Assert.Equal("a,b", session.Metadata["classes"]);
        var y = session.Run(new float[] { 1, 2, 0, 0, 0, 3 }, 2)[0];
        // Row 1: logits (1 + 0, 2 - 0) = (1, 2); row 2: (3, -3).
        Assert.Equal(1 / (1 + MathF.E), y.Values[0], 5);
        Assert.Equal(1 / (1 + MathF.Exp(-6)), y.Values[2], 5);
    }

    [Fact]
    public void A_tensor_whose_data_does_not_fit_its_dims_is_refused() =>
        Assert.Throws<ArgumentException>(() => OnnxBuilder.Tensor("t", [2, 2], new float[] { 1, 2, 3 }));

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
