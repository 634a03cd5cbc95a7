using Sightline.Inference.Sessions;
using Sightline.Tests.Shared;

namespace Sightline.Inference.Tests.Sessions;

/// <summary>Runs with several named inputs and a chosen subset of outputs, on a two-input model written in code.</summary>
public sealed class ModelSessionRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-session-").FullName;
    private readonly InferenceEngine _engine = new(new EngineOptions(1));

    private ModelSession SumAndProduct()
    {
        var path = Path.Combine(_dir, "sum-product.onnx");
        File.WriteAllBytes(path, TinyOnnx.SumAndProduct(3));
        return _engine.Open(path);
    }

    private static readonly float[] A = [1, 2, 3, 4, 5, 6];
    private static readonly float[] B = [10, 20, 30, -1, -2, -3];

    [Fact]
    public void Several_named_inputs_feed_the_graph_and_every_output_comes_back_by_default()
    {
        var session = SumAndProduct();
        var outputs = session.Run([new NamedInput("b", B), new NamedInput("a", A)], 2);
        Assert.Equal(["sum", "product"], outputs.Select(o => o.Name).ToArray());
        Assert.Equal([11f, 22f, 33f, 3f, 3f, 3f], outputs.Single(o => o.Name == "sum").Values);
        Assert.Equal([10f, 40f, 90f, -4f, -10f, -18f], outputs.Single(o => o.Name == "product").Values);
        Assert.Equal([2, 3], outputs[0].Shape);
    }

    [Fact]
    public void Only_the_named_outputs_are_fetched_in_the_order_asked()
    {
        var session = SumAndProduct();
        var product = session.Run([new NamedInput("a", A), new NamedInput("b", B)], 2, ["product"]);
        Assert.Equal("product", Assert.Single(product).Name);
        Assert.Equal([10f, 40f, 90f, -4f, -10f, -18f], product[0].Values);
        var both = session.Run([new NamedInput("a", A), new NamedInput("b", B)], 2, ["product", "sum"]);
        Assert.Equal(["product", "sum"], both.Select(o => o.Name).ToArray());
    }

    [Fact]
    public void Single_input_run_can_name_its_outputs_too()
    {
        var path = Path.Combine(_dir, "relu.onnx");
        File.WriteAllBytes(path, TinyOnnx.ReluTimesTwo(null, 2));
        var session = _engine.Open(path);
        var y = session.Run(new float[] { -1, 3 }, 1, ["y"]);
        Assert.Equal([0f, 6f], Assert.Single(y).Values);
    }

    [Fact]
    public void An_explicit_shape_sets_the_tensor_shape()
    {
        var session = SumAndProduct();
        var sum = session.Run([new NamedInput("a", A, [2, 3]), new NamedInput("b", B, [2, 3])], 2, ["sum"])[0];
        Assert.Equal([2, 3], sum.Shape);
    }

    [Fact]
    public void Unknown_output_missing_input_and_unknown_input_are_refused_by_name()
    {
        var session = SumAndProduct();
        var unknownOutput = Assert.Throws<InferenceException>(() => session.Run([new NamedInput("a", A), new NamedInput("b", B)], 2, ["difference"]));
        Assert.Contains("no output 'difference'", unknownOutput.Message);
        Assert.Contains("sum", unknownOutput.Message);
        var missing = Assert.Throws<InferenceException>(() => session.Run([new NamedInput("a", A)], 2));
        Assert.Contains("needs input b", missing.Message);
        var unknownInput = Assert.Throws<InferenceException>(() => session.Run([new NamedInput("a", A), new NamedInput("b", B), new NamedInput("c", A)], 2));
        Assert.Contains("no input 'c'", unknownInput.Message);
        Assert.Throws<ArgumentException>(() => session.Run([new NamedInput("a", A), new NamedInput("b", B.AsMemory(0, 5))], 2));
    }

    public void Dispose()
    {
        _engine.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
