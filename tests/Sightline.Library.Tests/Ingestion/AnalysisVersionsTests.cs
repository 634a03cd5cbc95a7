using Sightline.Library.Ingestion;

namespace Sightline.Library.Tests.Ingestion;

public class AnalysisVersionsTests
{
    private static Dictionary<string, string> Versions(LibrarySettings settings) =>
        LibraryTasks.Choose(settings).ToDictionary(c => c.Entry.Name, c => AnalysisVersions.Of(c.Entry.Name, ["model-" + c.Entry.Name], c.Options));

    [Fact]
    public void Changing_an_option_changes_only_that_tasks_version()
    {
        var before = Versions(LibrarySettings.Default);
        var after = Versions(LibrarySettings.Default with { Options = new Dictionary<string, string> { ["detect.minScore"] = "0.6" } });
        Assert.NotEqual(before["detect"], after["detect"]);
        foreach (var task in new[] { "faces", "embed", "moderate" })
            Assert.Equal(before[task], after[task]);
    }

    [Fact]
    public void Setting_an_option_to_its_default_keeps_the_version()
    {
        var defaults = LibraryTasks.Choose(LibrarySettings.Default).Single(c => c.Entry.Name == "faces");
        var minScore = ((Sightline.Faces.FacesTaskOptions)defaults.Options).MinScore.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var explicitDefault = Versions(LibrarySettings.Default with { Options = new Dictionary<string, string> { ["faces.minScore"] = minScore } });
        Assert.Equal(Versions(LibrarySettings.Default)["faces"], explicitDefault["faces"]);
    }

    [Fact]
    public void Another_model_or_task_is_another_version()
    {
        var options = new Sightline.Vision.Embeddings.EmbedTaskOptions();
        var version = AnalysisVersions.Of("embed", ["resnet18-imagenet"], options);
        Assert.NotEqual(version, AnalysisVersions.Of("embed", ["another-model"], options));
        Assert.NotEqual(version, AnalysisVersions.Of("classify", ["resnet18-imagenet"], options));
        Assert.Equal(version, AnalysisVersions.Of("EMBED", ["RESNET18-imagenet"], options));
        Assert.Equal(12, version.Length);
    }

    [Fact]
    public void Model_order_does_not_change_the_version()
    {
        var options = new Sightline.Vision.Embeddings.EmbedTaskOptions();
        Assert.Equal(AnalysisVersions.Of("faces", ["a", "b"], options), AnalysisVersions.Of("faces", ["b", "a"], options));
    }

    [Fact]
    public void The_library_always_keeps_face_descriptors()
    {
        var settings = LibrarySettings.Default with { Options = new Dictionary<string, string> { ["faces.descriptors"] = "false" } };
        var faces = LibraryTasks.Choose(settings).Single(c => c.Entry.Name == "faces");
        Assert.True(((Sightline.Faces.FacesTaskOptions)faces.Options).Descriptors);
    }

    [Fact]
    public void A_library_without_analyses_chooses_none_and_refuses_options()
    {
        Assert.Empty(LibraryTasks.Choose(LibrarySettings.Default with { Tasks = [] }));
        var e = Assert.Throws<Sightline.Vision.Pipeline.TaskOptionsException>(() => LibraryTasks.Choose(LibrarySettings.Default with
        {
            Tasks = [],
            Options = new Dictionary<string, string> { ["detect.minScore"] = "0.5" },
        }));
        Assert.Contains("detect.minScore", e.Message);
    }

    [Fact]
    public void The_version_cache_survives_a_damaged_file()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("sightline-versions-").FullName, VersionCache.FileName);
        try
        {
            var cache = new VersionCache(file);
            Assert.Empty(cache.Load());
            cache.Save(new Dictionary<string, string> { ["a"] = "v1" });
            Assert.Equal("v1", cache.Load()["a"]);
            File.WriteAllText(file, "{ not json");
            Assert.Empty(cache.Load());
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }
}
