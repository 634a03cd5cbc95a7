using Sightline.Models.Cache;
using Sightline.Models.Catalog;
using Sightline.Models.Import;
using static Sightline.Models.Tests.Import.TfGraphBuilder;

namespace Sightline.Models.Tests.Import;

/// <summary>'models import': a user's graph model converted into the cache beside pulled ones.</summary>
public sealed class ModelImportStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sightline-import-").FullName;
    private string Home => Path.Combine(_root, "home");

    private string WriteModel(string op = "Relu")
    {
        var graph = new TfGraphBuilder();
        var x = graph.Input("image", 1, 4, 4, 3);
        graph.Const("f", [1, 1, 3, 2], NaiveOps.Random(6, 30));
        graph.Op("Conv2D", "conv", [x, "f"], Attrs(("strides", IntList(1, 1, 1, 1)), ("padding", StringValue("VALID"))));
        graph.Op(op, "out", ["conv"]);
        graph.Output("out");
        return graph.WriteTo(Path.Combine(_root, "mine"));
    }

    [Fact]
    public void An_imported_model_is_listed_loaded_and_verified_like_a_pulled_one()
    {
        var store = new ModelStore(Home);
        var model = store.Import(WriteModel(), "my-net");

        Assert.Equal(ModelTask.Imported, model.Entry.Task);
        Assert.True(File.Exists(model.ModelPath));
        Assert.True(File.Exists(model.PathOf(TfjsModels.ModelJsonOf(model.Entry))));
        var listed = new ModelStore(Home).List().Single(s => s.Entry.Id == "my-net");
        Assert.True(listed.Cached);
        Assert.Equal("my-net", new ModelStore(Home).Verify("my-net").Entry.Id);
    }

    [Fact]
    public void Importing_over_an_existing_name_needs_force_and_catalog_names_are_refused()
    {
        var store = new ModelStore(Home);
        var path = WriteModel();
        store.Import(path, "twice");
        Assert.Equal(ModelStoreErrorKind.Configuration, Assert.Throws<ModelStoreException>(() => store.Import(path, "twice")).Kind);
        Assert.Equal("twice", store.Import(path, "twice", force: true).Entry.Id);
        Assert.Equal(ModelStoreErrorKind.Configuration, Assert.Throws<ModelStoreException>(() => store.Import(path, "face-api")).Kind);
        Assert.Equal(ModelStoreErrorKind.Configuration, Assert.Throws<ModelStoreException>(() => store.Import(path, "../escape")).Kind);
    }

    [Fact]
    public void A_model_that_does_not_convert_leaves_nothing_in_the_cache()
    {
        var store = new ModelStore(Home);
        var error = Assert.Throws<TfjsImportException>(() => store.Import(WriteModel("NotARealOp"), "broken"));
        Assert.Contains("NotARealOp", error.Message);
        Assert.DoesNotContain(store.List(), s => s.Entry.Id == "broken");
        Assert.DoesNotContain(Directory.EnumerateDirectories(store.ModelsDirectory), d => !Path.GetFileName(d).StartsWith('.'));
    }

    [Fact]
    public void A_modified_imported_model_is_caught_by_verification()
    {
        var store = new ModelStore(Home);
        var model = store.Import(WriteModel(), "tampered");
        File.AppendAllText(model.ModelPath, "x");
        var error = Assert.Throws<ModelStoreException>(() => new ModelStore(Home).Verify("tampered"));
        Assert.Equal(ModelStoreErrorKind.CorruptCache, error.Kind);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
