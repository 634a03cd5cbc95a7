using Sightline.Vision.Detection;
using Sightline.Vision.Pipeline;

namespace Sightline.Analysis.Tests;

/// <summary>The registry the CLI and the server look tasks up in.</summary>
public sealed class BuiltInTasksTests
{
    [Fact]
    public void Every_shipped_task_is_registered_with_options_that_validate_by_default()
    {
        var names = BuiltInTasks.Registry.Tasks.Select(t => t.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "detect", "faces", "segment", "embed", "classify" }, names);
        foreach (var entry in BuiltInTasks.Registry.Tasks)
        {
            var options = entry.DefaultOptions();
            Assert.IsType(entry.OptionsType, options);
            Assert.True(entry.ResultType.IsClass);
        }
        Assert.Same(BuiltInTasks.Registry.Resolve("DETECT"), BuiltInTasks.Registry.Resolve("detect"));
    }

    [Fact]
    public void An_unknown_task_is_refused_listing_the_tasks()
    {
        var error = Assert.Throws<TaskOptionsException>(() => BuiltInTasks.Registry.Resolve("ocr"));
        Assert.Equal("tasks", error.Option);
        Assert.Contains("'ocr'", error.Message);
        Assert.Contains("detect, embed, faces", error.Message);
    }

    [Fact]
    public async Task Options_are_checked_before_any_model_is_opened()
    {
        // Neither call reaches the store: a null context would fail if they did.
        var entry = BuiltInTasks.Registry.Resolve("detect");
        await Assert.ThrowsAsync<TaskOptionsException>(() => entry.CreateAsync(null!, new DetectTaskOptions { MinScore = 7 }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => entry.CreateAsync(null!, new Vision.Embeddings.EmbedTaskOptions(), CancellationToken.None));
    }
}
