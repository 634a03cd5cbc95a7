using Sightline.Tests.Shared;
using Sightline.Vision.Classification;
using SkiaSharp;

namespace Sightline.Vision.Tests.Classification;

[Collection(PretrainedCollection.Name)]
public sealed class LabelledFolderTests(PretrainedModels models) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-labelled-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Image(string relative, SKColor colour, int seed) => TestImages.Write(Path.Combine(_dir, relative), colour, SKColors.White, seed);

    [Fact]
    public void Sub_folders_are_classes_and_problems_that_leave_enough_become_warnings()
    {
        Image("red/a.jpg", SKColors.Red, 1);
        Image("red/deeper/b.jpg", SKColors.Red, 2);
        Image("blue/c.jpg", SKColors.Blue, 3);
        Directory.CreateDirectory(Path.Combine(_dir, "green"));
        Image("loose.jpg", SKColors.Gray, 4);
        var folder = LabelledFolder.Scan(_dir);
        Assert.Equal(["blue", "red"], folder.Classes);
        Assert.Equal(3, folder.Files.Count);
        Assert.Equal(2, folder.Files.Count(f => folder.Classes[f.Label] == "red"));
        Assert.Contains(folder.Warnings, w => w.Contains("'green'") && w.Contains("no images"));
        Assert.Contains(folder.Warnings, w => w.Contains("directly in"));
        var without = folder.Without("blue");
        Assert.Equal(["red"], without.Classes);
        Assert.All(without.Files, f => Assert.Equal(0, f.Label));
    }

    [Fact]
    public void A_single_class_or_none_is_an_error_naming_the_problem()
    {
        Image("only/a.jpg", SKColors.Red, 1);
        Assert.Contains("only 1 class", Assert.Throws<ClassifierTrainingException>(() => LabelledFolder.Scan(_dir)).Message);
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "only", "x")).FullName;
        Assert.Contains("no class sub-folders", Assert.Throws<ClassifierTrainingException>(() => LabelledFolder.Scan(empty)).Message);
        Assert.Contains("does not exist", Assert.Throws<ClassifierTrainingException>(() => LabelledFolder.Scan(Path.Combine(_dir, "nope"))).Message);
    }

    [Fact]
    public void Videos_sidecars_and_hidden_folders_of_a_class_are_listed_not_dropped()
    {
        Image("red/r0.jpg", SKColors.Red, 0);
        Image("blue/b0.jpg", SKColors.Blue, 1);
        File.WriteAllBytes(Path.Combine(_dir, "red", "clip.mp4"), [0, 0, 0, 0x18, .. "ftypisom"u8, 0, 0, 2, 0, .. "isomiso2"u8, 0, 0, 0, 0]);
        File.WriteAllText(Path.Combine(_dir, "red", "r0.xmp"), "<x:xmpmeta/>");
        Directory.CreateDirectory(Path.Combine(_dir, ".cache"));
        File.WriteAllText(Path.Combine(_dir, "notes.txt"), "which photos are red");

        var folder = LabelledFolder.Scan(_dir);

        Assert.Equal(["blue", "red"], folder.Classes);
        var reasons = folder.NotImages.ToDictionary(s => Path.GetFileName(s.Path.TrimEnd(Path.DirectorySeparatorChar)), s => s.Reason);
        Assert.Equal("video (not an image)", reasons["clip.mp4"]);
        Assert.Equal("sidecar metadata (XMP), not an image", reasons["r0.xmp"]);
        Assert.Equal("hidden folder (not searched)", reasons[".cache"]);
        Assert.Equal("not an image", reasons["notes.txt"]);
        Assert.Equal(4, folder.NotImages.Count);
    }

    [Fact]
    public void Unreadable_images_are_skipped_and_listed_and_augmented_views_are_embedded()
    {
        for (var i = 0; i < 3; i++)
        {
            Image($"red/r{i}.jpg", SKColors.Red, i);
            Image($"blue/b{i}.jpg", SKColors.Blue, 10 + i);
        }
        File.WriteAllBytes(Path.Combine(_dir, "blue", "broken.jpg"), [0xFF, 0xD8, 0xFF, 0x00, 0x01]);
        Directory.CreateDirectory(Path.Combine(_dir, "grey"));
        File.WriteAllText(Path.Combine(_dir, "grey", "fake.png"), "not a png");
        var folder = LabelledFolder.Scan(_dir);
        var embedded = FolderEmbedding.Embed(folder, FlowerEmbeddings.Embedder(models), new AugmentationOptions(Views: 2), seed: 5);
        Assert.Equal(["blue", "red"], embedded.Set.Classes);
        Assert.Equal(6, embedded.Set.Examples.Count);
        Assert.Equal(2, embedded.Skipped.Count);
        Assert.Contains(embedded.Skipped, s => s.Path.EndsWith("broken.jpg"));
        // Text named .png is told from its bytes when the folder is scanned: listed, and its class has no images.
        Assert.Contains(embedded.Skipped, s => s.Path.EndsWith("fake.png") && s.Reason == "not an image");
        Assert.Contains(embedded.Warnings, w => w.Contains("'grey'") && w.Contains("no images"));
        Assert.All(embedded.Set.Examples, e =>
        {
            Assert.Equal(2, e.Views!.Count);
            Assert.Equal(1f, System.Numerics.Tensors.TensorPrimitives.Norm(e.Features), 4);
            // A mirror image of a scene is close to it but not identical.
            var similarity = System.Numerics.Tensors.TensorPrimitives.Dot(e.Features, e.Views[0]);
            Assert.InRange(similarity, 0.8f, 0.99999f);
        });
    }

    [Fact]
    public void Training_from_a_folder_records_the_backbone_the_classes_and_the_counts()
    {
        for (var i = 0; i < 4; i++)
        {
            Image($"red/r{i}.jpg", SKColors.Red, i);
            Image($"blue/b{i}.jpg", SKColors.Blue, 10 + i);
        }
        var backbone = models.Get(Sightline.Vision.Embeddings.Embedders.DefaultModel);
        var (model, data) = ClassifierTraining.TrainFolder(LabelledFolder.Scan(_dir), backbone, FlowerEmbeddings.Embedder(models), new ClassifierTrainingOptions(Folds: 2));
        Assert.Equal(["blue", "red"], model.Classes);
        Assert.Equal([4, 4], model.Training.ImagesPerClass);
        Assert.Equal(backbone.Version, model.Backbone.Version);
        Assert.Equal(64, model.Backbone.Sha256.Length);
        Assert.Null(model.Backbone.Mismatch(backbone));
        Assert.Equal(8, data.Set.Examples.Count);
        Assert.True(model.Metrics.Accuracy >= 0.75, $"accuracy {model.Metrics.Accuracy:P0} on red against blue scenes");
        var redProbe = Image("probe/red.jpg", SKColors.Red, 99);
        Assert.Equal("red", new ImageClassifier(model, FlowerEmbeddings.Embedder(models)).Classify(redProbe).Ranked[0].Label);
    }

    [Fact]
    public void Augmentation_mirrors_crops_and_jitters()
    {
        using var source = new SKBitmap(new SKImageInfo(40, 20, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        source.Erase(SKColors.Black);
        for (var y = 0; y < 20; y++)
            source.SetPixel(2, y, SKColors.White);
        using var mirror = ImageAugmentation.Mirror(source);
        Assert.Equal(SKColors.White, mirror.GetPixel(37, 5));
        Assert.Equal(SKColors.Black, mirror.GetPixel(2, 5));

        var options = new AugmentationOptions(Views: 3, MinCropArea: 0.5, Jitter: 0.2);
        using var a = ImageAugmentation.View(source, 1, new Random(1), options);
        using var b = ImageAugmentation.View(source, 1, new Random(2), options);
        Assert.True(a.Width * a.Height < 40 * 20 && a.Width * a.Height >= 0.4 * 40 * 20);
        Assert.False(a.Width == b.Width && a.Height == b.Height && a.GetPixel(0, 0) == b.GetPixel(0, 0));

        // Brightness 1.2 on mid grey: 0.5 * 1.2 = 0.6 of full scale.
        var m = ImageAugmentation.ColourMatrix(1.2f, 1f, 1f);
        Assert.Equal(1.2f, m[0], 5);
        Assert.Equal(0f, m[4], 5);
        var grey = ImageAugmentation.ColourMatrix(1f, 1f, 0f);
        Assert.Equal(0.299f, grey[0], 5);
        Assert.Equal(0.587f, grey[1], 5);
    }
}
