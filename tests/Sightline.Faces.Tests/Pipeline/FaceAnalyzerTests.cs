using Sightline.Faces.Attributes;
using Sightline.Faces.Descriptors;
using Sightline.Faces.Gallery;
using Sightline.Faces.Evaluation;
using Sightline.Imaging;
using Sightline.Imaging.Tests.Support;
using Sightline.Tests.Shared;
using SkiaSharp;

namespace Sightline.Faces.Tests.Pipeline;

/// <summary>The whole pipeline on real photos: the acceptance figures of the face engine and its edge cases.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class FaceAnalyzerTests(PretrainedModels models) : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("sightline-faces-").FullName;
    private FaceAnalyzer Analyzer => _analyzer ??= FaceAnalyzer.CreateAsync(models.Store, models.Engine).GetAwaiter().GetResult();
    private static FaceAnalyzer? _analyzer;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void Every_crop_gets_a_face_and_is_identified_leave_one_out()
    {
        var labelled = LabelsCsv.Read(Path.Combine(FaceScenes.Data, "identities.csv"), "identity");
        var items = new List<(string, FaceDescriptor)>();
        foreach (var item in labelled)
        {
            var analysis = Analyzer.Analyze(Path.Combine(FaceScenes.Data, item.File));
            Assert.True(analysis.Faces.Count > 0, $"no face in {item.File}");
            items.Add((item.Label, analysis.Faces.MaxBy(f => f.Box.Area)!.Descriptor!));
        }

        var loo = IdentificationMetrics.LeaveOneOut(items);
        var verification = VerificationMetrics.Compute(IdentificationMetrics.AllPairs(items).Select(p => (p.Distance, p.Same)).ToList(), Analyzer.Describer.Threshold);
        Assert.Equal(40, items.Count);
        Assert.True(loo.Accuracy >= 0.975, $"leave-one-out identification {loo.Accuracy:P1}");
        Assert.True(verification.Auc >= 0.985, $"all-pairs ROC AUC {verification.Auc:F4}");
    }

    [Theory]
    [InlineData("faces-bbt", "images/bbt1.jpg", 4)]
    [InlineData("faces-bbt", "images/bbt2.jpg", 3)]
    [InlineData("faces-bbt", "images/bbt3.jpg", 5)]
    [InlineData("faces-bbt", "images/bbt4.jpg", 6)]
    [InlineData("faces-bbt", "images/bbt5.jpg", 5)]
    [InlineData("sanity", "astronaut.png", 1)]
    [InlineData("sanity", "chelsea.png", 0)]
    [InlineData("sanity", "coffee.png", 0)]
    public void Finds_every_visible_face_and_nothing_else(string set, string file, int faces)
    {
        var analysis = Analyzer.Analyze(Path.Combine(TestPaths.Data(set), file));
        Assert.Equal(faces, analysis.Faces.Count);
        foreach (var face in analysis.Faces)
        {
            Assert.Equal(68, face.Landmarks68!.Count);
            Assert.Equal(5, face.Landmarks5.Count);
            Assert.Equal(128, face.Descriptor!.Dimension);
            Assert.InRange(face.Emotion!.Scores.Values.Sum(), 0.99f, 1.01f);
            Assert.InRange(face.AgeGender!.Value.Age, 10, 80);
            // Every landmark lies in or near its face box.
            var b = face.Box;
            Assert.All(face.Landmarks68, p => Assert.True(p.X > b.X - b.Width / 2 && p.X < b.Right + b.Width / 2 && p.Y > b.Y - b.Height / 2 && p.Y < b.Bottom + b.Height / 2));
        }
    }

    [Fact]
    public void Reads_all_seven_expressions()
    {
        foreach (var item in LabelsCsv.Read(Path.Combine(FaceScenes.Data, "emotions.csv"), "emotion"))
        {
            var face = Analyzer.Analyze(Path.Combine(FaceScenes.Data, item.File)).Faces.MaxBy(f => f.Box.Area);
            Assert.NotNull(face);
            Assert.Equal(item.Label, face.Emotion!.Label);
        }
    }

    [Fact]
    public void Finds_faces_40_pixels_across_in_a_1080p_photo()
    {
        // Scale each crop so that its detected face is 40 px across, then scatter 12 of them on 1920x1080.
        var crops = FaceScenes.Crops().Where((_, i) => i % 3 == 0).Take(12).ToList();
        var places = new List<(string, SKRect)>();
        for (var i = 0; i < crops.Count; i++)
        {
            var faceWidth = Analyzer.Analyze(crops[i], new FaceAnalysisOptions(Sightline.Faces.Detection.FaceDetectOptions.Default, FaceTasks.None)).Faces.Single().Box.Width;
            var side = 150 * 40 / faceWidth;
            places.Add((crops[i], SKRect.Create(90 + i % 6 * 300 + i / 6 * 70, 200 + i / 6 * 450 + i % 3 * 60, side, side)));
        }
        using var scene = FaceScenes.Compose(1920, 1080, places);
        var path = FaceScenes.SaveJpeg(scene, Path.Combine(_temp, "small-faces.jpg"));

        var faces = Analyzer.Analyze(path).Faces;

        Assert.Equal(12, faces.Count);
        foreach (var (_, place) in places)
            Assert.Contains(faces, f => f.Box.X < place.MidX && f.Box.Right > place.MidX && f.Box.Y < place.MidY && f.Box.Bottom > place.MidY);
        Assert.All(faces, f => Assert.InRange(f.Box.Width, 28, 60));
    }

    [Fact]
    public void Finds_fifty_faces_in_one_photo()
    {
        var crops = FaceScenes.Crops();
        var places = Enumerable.Range(0, 50).Select(i => (crops[i % crops.Count], SKRect.Create(20 + i % 10 * 190, 20 + i / 10 * 210, 150, 150))).ToList();
        using var scene = FaceScenes.Compose(1920, 1080, places);
        var path = FaceScenes.SaveJpeg(scene, Path.Combine(_temp, "fifty.jpg"));

        var analysis = Analyzer.Analyze(path);
        var capped = Analyzer.Analyze(path, new FaceAnalysisOptions(new Sightline.Faces.Detection.FaceDetectOptions(MaxFaces: 10), FaceTasks.None));

        // One tilted face of the fifty scores under the bar at this size (all 40 pass alone).
        Assert.InRange(analysis.Faces.Count, 48, 50);
        Assert.All(analysis.Faces, f => Assert.NotNull(f.Descriptor));
        Assert.Equal(10, capped.Faces.Count);
        Assert.Equal(analysis.Faces.Select(f => f.Score).OrderDescending().Take(10), capped.Faces.Select(f => f.Score));
    }

    [Fact]
    public void A_tiny_image_has_no_faces_and_is_not_an_error()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(6, 4, SKColorType.Rgba8888, SKAlphaType.Premul));
        bitmap.Erase(SKColors.Beige);
        var path = Path.Combine(_temp, "tiny.png");
        using (var data = bitmap.Encode(SKEncodedImageFormat.Png, 100))
            File.WriteAllBytes(path, data.ToArray());

        Assert.Empty(Analyzer.Analyze(path).Faces);
    }

    [Fact]
    public void A_greyscale_photo_works()
    {
        using var colour = ImageDecoder.Decode(Path.Combine(TestPaths.Data("sanity"), "astronaut.png"));
        using var grey = new SKBitmap(new SKImageInfo(colour.Width, colour.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        var rgba = colour.Bitmap.GetPixelSpan();
        unsafe
        {
            var target = new Span<byte>((void*)grey.GetPixels(), grey.Width * grey.Height);
            for (var i = 0; i < target.Length; i++)
                target[i] = (byte)((299 * rgba[4 * i] + 587 * rgba[4 * i + 1] + 114 * rgba[4 * i + 2]) / 1000);
        }
        var path = Path.Combine(_temp, "grey.png");
        using (var data = grey.Encode(SKEncodedImageFormat.Png, 100))
            File.WriteAllBytes(path, data.ToArray());

        var face = Assert.Single(Analyzer.Analyze(path).Faces);
        Assert.NotNull(face.Emotion);
    }

    [Fact]
    public void A_huge_photo_reports_boxes_in_its_own_pixels()
    {
        // 8000x6000 is decoded smaller; the face's box must still come back in the original's pixels.
        var crop = FaceScenes.Crops()[0];
        using var scene = FaceScenes.Compose(8000, 6000, [(crop, SKRect.Create(5000, 3000, 900, 900))]);
        var path = FaceScenes.SaveJpeg(scene, Path.Combine(_temp, "huge.jpg"), 80);

        var analysis = Analyzer.Analyze(path);

        Assert.Equal((8000, 6000), (analysis.Width, analysis.Height));
        var face = Assert.Single(analysis.Faces);
        Assert.InRange(face.Box.X + face.Box.Width / 2, 5300, 5600);
        Assert.InRange(face.Box.Y + face.Box.Height / 2, 3300, 3650);
    }

    [Fact]
    public void A_rotated_photo_is_read_upright_through_its_exif_orientation()
    {
        // The astronaut stored rotated 90 degrees with EXIF 6 ("rotate clockwise to view"): the face and its
        // box must be where they are in the upright photo.
        using var upright = ImageDecoder.Decode(Path.Combine(TestPaths.Data("sanity"), "astronaut.png"));
        var expected = Assert.Single(Analyzer.Analyze(upright).Faces).Box;
        using var stored = new SKBitmap(new SKImageInfo(upright.Height, upright.Width, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(stored))
        {
            canvas.Translate(0, upright.Width);
            canvas.RotateDegrees(-90);
            using var image = SKImage.FromBitmap(upright.Bitmap);
            canvas.DrawImage(image, 0, 0, SKSamplingOptions.Default);
        }
        using var jpeg = stored.Encode(SKEncodedImageFormat.Jpeg, 95);
        var path = Path.Combine(_temp, "rotated.jpg");
        File.WriteAllBytes(path, HandMade.WithExifOrientation(jpeg.ToArray(), 6));

        var face = Assert.Single(Analyzer.Analyze(path).Faces).Box;

        Assert.InRange(face.X, expected.X - 8, expected.X + 8);
        Assert.InRange(face.Y, expected.Y - 8, expected.Y + 8);
    }

    /// <summary>
    /// The ArcFace-chip and faceres-deep describers on the 40 faces-bbt crops: what `sightline eval faces` measured
    /// (leave-one-out 39/40, all-pairs ROC AUC 0.963 and 0.951), with a little room; unit-length descriptors.
    /// </summary>
    [Theory]
    [InlineData(FaceResDeepDescriber.Id, 1024)]
    [InlineData(MobileFaceDescriber.Id, 256)]
    public async Task The_added_describers_identify_the_crops_with_unit_length_descriptors(string describer, int dimension)
    {
        var analyzer = await FaceAnalyzer.CreateAsync(models.Store, models.Engine, new FaceModels(Describer: describer));
        var items = new List<(string, FaceDescriptor)>();
        foreach (var item in LabelsCsv.Read(Path.Combine(FaceScenes.Data, "identities.csv"), "identity"))
        {
            var face = analyzer.Analyze(Path.Combine(FaceScenes.Data, item.File)).Faces.MaxBy(f => f.Box.Area);
            Assert.True(face?.Descriptor is not null, $"no described face in {item.File}");
            items.Add((item.Label, face!.Descriptor!));
        }

        var loo = IdentificationMetrics.LeaveOneOut(items);
        var verification = VerificationMetrics.Compute(IdentificationMetrics.AllPairs(items).Select(p => (p.Distance, p.Same)).ToList(), analyzer.Describer.Threshold);
        Assert.All(items, i => Assert.Equal(dimension, i.Item2.Dimension));
        Assert.All(items, i => Assert.Equal(1, System.Numerics.Tensors.TensorPrimitives.Norm(i.Item2.Values), 4));
        Assert.True(loo.Accuracy >= 0.95, $"{describer} leave-one-out identification {loo.Accuracy:P1}");
        Assert.True(verification.Auc >= 0.94, $"{describer} all-pairs ROC AUC {verification.Auc:F4}");
    }

    [Fact]
    public async Task Descriptors_of_different_models_cannot_be_compared()
    {
        var path = Path.Combine(TestPaths.Data("sanity"), "astronaut.png");
        var faceres = await FaceAnalyzer.CreateAsync(models.Store, models.Engine, new FaceModels(Describer: FaceResDescriber.Id));
        var a = Analyzer.Analyze(path).Faces.Single().Descriptor!;
        var b = faceres.Analyze(path).Faces.Single().Descriptor!;

        Assert.Equal(1024, b.Dimension);
        var error = Assert.Throws<DescriptorMismatchException>(() => a.DistanceTo(b));
        Assert.Contains("human-faceres", error.Message);
        Assert.Equal(0, a.DistanceTo(a with { Values = [.. a.Values] }), 5);
    }

    /// <summary>
    /// bbt2.jpg: Sheldon (right, turned towards Leonard), Leonard (middle) and Raj at the left edge (9 % of
    /// his face outside the frame, within what identifies well). Enrolling every faces-bbt crop let a
    /// turned crop of Stuart answer for Sheldon and Leonard, and Raj be named Sheldon too.
    /// </summary>
    [Fact]
    public void After_enrolling_the_crops_the_turned_Sheldon_is_named_and_a_face_cut_by_the_frame_is_too_poor()
    {
        using var gallery = FaceGallery.Open(Path.Combine(_temp, "bbt.gallery"));
        foreach (var folder in Directory.GetDirectories(Path.Combine(FaceScenes.Data, "images")).Order(StringComparer.Ordinal))
        {
            var faces = Directory.GetFiles(folder, "*.png").Order(StringComparer.Ordinal)
                .Select(file => (file, pick: EnrolmentChoice.Pick(Analyzer.Analyze(file), FaceQualityScorer.MinEnrollQuality)))
                .Where(p => p.pick.Face is not null)
                .Select(p => new EnrolledFace(p.pick.Face!.Descriptor!, p.file)).ToList();
            gallery.Enroll(Path.GetFileName(folder), faces);
        }
        var threshold = Analyzer.Describer.Threshold;

        var scene = Analyzer.Analyze(Path.Combine(FaceScenes.Data, "images", "bbt2.jpg"));
        Assert.Equal(3, scene.Faces.Count);
        var answers = gallery.IdentifyPhoto(scene.Faces, threshold);
        string Name(int i) => answers[i].Label;
        var byX = Enumerable.Range(0, 3).OrderBy(i => scene.Faces[i].Box.X).ToList();
        Assert.Equal(["raj", "leonard", "sheldon"], byX.Select(Name));

        // The same photo without its left 16 pixels: Raj's face is now a third outside the frame.
        using var full = ImageDecoder.Decode(Path.Combine(FaceScenes.Data, "images", "bbt2.jpg"));
        var croppedPath = Path.Combine(_temp, "bbt2-cut.png");
        using (var cropped = new SKBitmap(full.Bitmap.Width - 16, full.Bitmap.Height))
        {
            full.Bitmap.ExtractSubset(cropped, SKRectI.Create(16, 0, cropped.Width, cropped.Height));
            using var data = cropped.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(croppedPath, data.ToArray());
        }
        var cutScene = Analyzer.Analyze(croppedPath);
        var cut = cutScene.Faces.MinBy(f => f.Box.X)!;
        Assert.Equal([Identifiability.CutByFrame], cut.Identifiability!.Reasons);
        var cutAnswers = gallery.IdentifyPhoto(cutScene.Faces, threshold);
        var cutAnswer = cutAnswers[cutScene.Faces.ToList().IndexOf(cut)];
        Assert.True(cutAnswer.IsTooPoor);
        Assert.Null(cutAnswer.Match);
        Assert.Equal("sheldon", cutAnswers[cutScene.Faces.ToList().IndexOf(cutScene.Faces.MaxBy(f => f.Box.X)!)].Match?.Name);
        Assert.Equal("cut by the frame", cut.Emotion!.Unreliable);
        Assert.Equal("cut by the frame", cut.AgeGender!.Value.Unreliable);
    }
}
