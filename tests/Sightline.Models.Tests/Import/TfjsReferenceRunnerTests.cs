using Sightline.Models.Import;
using Sightline.Tests.Shared;

namespace Sightline.Models.Tests.Import;

public sealed class TfjsReferenceRunnerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sightline-runner-").FullName;

    [Fact]
    public void A_runner_without_its_packages_asks_for_npm_ci()
    {
        File.WriteAllText(Path.Combine(_directory, "run.js"), "");
        var error = Assert.Throws<TfjsImportException>(() => TfjsReferenceRunner.ForDirectory(_directory));
        Assert.Contains(TfjsReferenceRunner.InstallHint, error.Message);
    }

    [Fact]
    public void A_missing_node_is_reported_as_such()
    {
        var runner = new TfjsReferenceRunner(new TfjsReferenceOptions(_directory, Node: Path.Combine(_directory, "no-such-node")));
        var error = Assert.Throws<InvalidOperationException>(() => runner.Run(Path.Combine(_directory, "model.json"), new float[4], [1, 4]));
        Assert.Contains("Node.js", error.Message);
    }

    [Fact]
    public void The_repository_runner_reproduces_a_graph_it_is_given()
    {
        // End to end through Node: y = relu(x) * w on a tiny graph written in code.
        var graph = new TfGraphBuilder();
        var x = graph.Input("x", 1, 4);
        graph.Const("w", [4], [2f, -1f, 0.5f, 3f]);
        graph.Op("Relu", "r", [x]);
        graph.Op("Mul", "y", ["r", "w"]);
        graph.Output("y");
        var json = graph.WriteTo(Path.Combine(_directory, "tiny"));
        var runner = new TfjsReferenceRunner(TfjsReferenceRunner.Locate(TestPaths.RepoRoot));

        var run = runner.Run(json, [1f, -2f, 3f, 4f], [1, 4], runs: 2);

        var y = Assert.Single(run.Outputs);
        Assert.Equal("y", y.Name);
        Assert.Equal([1, 4], y.Shape);
        Assert.Equal([2f, 0f, 1.5f, 12f], y.Values);
        Assert.Equal(2, run.LatenciesMs.Count);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
