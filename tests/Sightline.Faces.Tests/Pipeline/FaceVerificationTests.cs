using Sightline.Faces.Descriptors;
using Sightline.Faces.Detection;
using Sightline.Faces.Evaluation;
using Sightline.Imaging;
using Sightline.Tests.Shared;
using SkiaSharp;

namespace Sightline.Faces.Tests.Pipeline;

/// <summary>Verification through the whole pipeline: the descriptor sees the face chip its network was trained on.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class FaceVerificationTests(PretrainedModels models)
{
    private FaceAnalyzer Analyzer => _analyzer ??= FaceAnalyzer.CreateAsync(models.Store, models.Engine).GetAwaiter().GetResult();
    private static FaceAnalyzer? _analyzer;

    private static readonly FaceAnalysisOptions DescribeOnly = new(FaceDetectOptions.Default, FaceTasks.Landmarks | FaceTasks.Descriptor);

    [Fact]
    public void Press_photos_are_told_apart_at_the_default_threshold()
    {
        // faces-lfw: 216 news photos of 70 people, all 23,220 pairs. Framed by the landmarks' box (the
        // crop before the face chip) the pipeline was right on 96.3 % of them and named 167 of 176 faces.
        var labelled = LabelsCsv.Read(Path.Combine(TestPaths.Data("faces-lfw"), "labels.csv"), "identity");
        var items = labelled.Select(l => (l.Label, Largest(l.File).Descriptor!)).ToList();

        var verification = VerificationMetrics.Compute(IdentificationMetrics.AllPairs(items).Select(p => (p.Distance, p.Same)).ToList(), Analyzer.Describer.Threshold);
        var loo = IdentificationMetrics.LeaveOneOut(items);

        Assert.True(verification.AtDefault.Accuracy >= 0.985, $"accuracy at {Analyzer.Describer.Threshold}: {verification.AtDefault.Accuracy:P2}");
        Assert.True(verification.Auc >= 0.998, $"ROC AUC {verification.Auc:F4}");
        Assert.True(loo.Accuracy >= 0.99, $"leave-one-out identification {loo.Correct}/{loo.Queries}");
    }

    [Fact]
    public void A_tilted_head_keeps_its_descriptor()
    {
        // Each faces-bbt person's first crop, upright and turned 25 degrees on a larger canvas: the chip
        // levels the eyes, so the two descriptors stay as close as two photos of one person usually are.
        var crops = Directory.GetDirectories(Path.Combine(FaceScenes.Data, "images")).Order(StringComparer.Ordinal)
            .Select(d => Directory.GetFiles(d, "*.png").Order(StringComparer.Ordinal).First()).ToList();
        var distances = new List<float>();
        foreach (var crop in crops)
        {
            using var upright = Turned(crop, 0);
            using var tilted = Turned(crop, 25);
            distances.Add(Largest(upright).Descriptor!.DistanceTo(Largest(tilted).Descriptor!));
        }

        Assert.Equal(8, distances.Count);
        Assert.True(distances.Max() < 0.4f, $"upright to tilted distances: {string.Join(", ", distances.Select(d => d.ToString("0.000")))}");
    }

    private AnalyzedFace Largest(string path) =>
        Analyzer.Analyze(path, DescribeOnly).Faces.MaxBy(f => f.Box.Area) ?? throw new Xunit.Sdk.XunitException($"no face in {path}");

    private AnalyzedFace Largest(DecodedImage image) =>
        Analyzer.Analyze(image, DescribeOnly).Faces.MaxBy(f => f.Box.Area) ?? throw new Xunit.Sdk.XunitException($"no face in {image.Source}");

    /// <summary>The crop turned by <paramref name="degrees"/> about its centre, on a mid-grey canvas twice its size.</summary>
    private static DecodedImage Turned(string crop, float degrees)
    {
        using var face = ImageDecoder.Decode(crop);
        var side = 2 * Math.Max(face.Width, face.Height);
        using var canvasBitmap = new SKBitmap(new SKImageInfo(side, side, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(canvasBitmap))
        {
            canvas.Clear(new SKColor(128, 128, 128));
            canvas.RotateDegrees(degrees, side / 2f, side / 2f);
            using var image = SKImage.FromBitmap(face.Bitmap);
            canvas.DrawImage(image, (side - face.Width) / 2f, (side - face.Height) / 2f, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
        }
        using var png = canvasBitmap.Encode(SKEncodedImageFormat.Png, 100);
        return ImageDecoder.Decode(png.AsSpan(), $"{Path.GetFileName(crop)} turned {degrees}°");
    }
}
