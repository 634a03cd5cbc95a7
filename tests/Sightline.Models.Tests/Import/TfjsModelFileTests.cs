using Sightline.Models.Import;

namespace Sightline.Models.Tests.Import;

/// <summary>Manifests of the right JSON but the wrong shape (found by fuzzing): each is a BadModelFile error naming the file.</summary>
public sealed class TfjsModelFileTests
{
    private const string Graph = """
        {"format":"graph-model","modelTopology":{"node":[
          {"name":"x","op":"Placeholder","attr":{"dtype":{"type":"DT_FLOAT"}}},
          {"name":"y","op":"Relu","input":["x"]}]},
         "weightsManifest":[{"paths":["shard"],"weights":[{"name":"w","shape":[2],"dtype":"float32"}]}]}
        """;

    [Fact]
    public void A_graph_manifest_parses_with_its_nodes_outputs_and_weights()
    {
        var model = TfjsModelFile.Parse(Graph, "model.json");
        Assert.Equal(["x", "y"], model.Nodes.Select(n => n.Name));
        Assert.Equal(["y"], model.OutputNames);
        Assert.Equal([2L], model.WeightGroups.Single().Weights.Single().Shape);
    }

    [Theory]
    [InlineData("\"name\":\"y\",", "", "a node without a name")]
    [InlineData("\"input\":[\"x\"]", "\"input\":[null]", "a null input")]
    [InlineData("\"shape\":[2]", "\"shape\":[\"two\"]", "a shape of strings")]
    [InlineData("\"paths\":[\"shard\"],", "", "a weight group without paths")]
    [InlineData("{\"node\":[", "{\"node\":[7,", "a node that is a number")]
    [InlineData("\"attr\":{\"dtype\":{\"type\":\"DT_FLOAT\"}}", "\"attr\":{\"a\":1,\"a\":2}", "an attribute given twice")]
    public void A_manifest_of_the_wrong_shape_is_a_bad_model_file(string part, string replacement, string what)
    {
        var json = Graph.Replace(part, replacement, StringComparison.Ordinal);
        Assert.NotEqual(Graph, json);

        var error = Assert.Throws<TfjsImportException>(() => TfjsModelFile.Parse(json, "model.json"));

        Assert.True(error.Kind == TfjsImportErrorKind.BadModelFile, what);
        Assert.StartsWith("model.json: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"format":"layers-model","modelTopology":{"model_config":5}}""")]
    [InlineData("""{"format":"layers-model","modelTopology":{"class_name":"Sequential","config":{"layers":[{"config":{}}]}}}""")]
    [InlineData("""[{"paths":["a"],"weights":[{"name":"w","dtype":"float32"}]}]""")]
    public void Layers_and_face_api_manifests_of_the_wrong_shape_are_bad_model_files(string json)
    {
        var error = Assert.Throws<TfjsImportException>(() => TfjsModelFile.Parse(json, "model.json"));
        Assert.Equal(TfjsImportErrorKind.BadModelFile, error.Kind);
    }
}
