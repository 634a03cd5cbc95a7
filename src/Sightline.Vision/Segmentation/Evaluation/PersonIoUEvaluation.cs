using System.Diagnostics;
using Sightline.Imaging;
using Sightline.Inference.Timing;
using Sightline.Vision.Segmentation.Masks;
using SkiaSharp;

namespace Sightline.Vision.Segmentation.Evaluation;

/// <summary>An image and its ground-truth class-index mask (8-bit PNG of the same size).</summary>
public readonly record struct SemanticMaskPair(string Image, string Mask);

/// <summary>
/// Images with class-index masks: for each PNG in the masks folder, the image of the same name (any
/// supported extension) in the images folder.
/// </summary>
public sealed record SemanticMaskSet(IReadOnlyList<SemanticMaskPair> Pairs)
{
    public static SemanticMaskSet FromFolders(string imagesFolder, string masksFolder)
    {
        if (!Directory.Exists(masksFolder))
            throw new DirectoryNotFoundException($"masks folder '{masksFolder}' does not exist");
        if (!Directory.Exists(imagesFolder))
            throw new DirectoryNotFoundException($"images folder '{imagesFolder}' does not exist");
        var images = Directory.EnumerateFiles(imagesFolder).Where(ImageDecoder.IsSupportedExtension)
            .GroupBy(p => Path.GetFileNameWithoutExtension(p), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var pairs = Directory.EnumerateFiles(masksFolder, "*.png").Order(StringComparer.Ordinal)
            .Where(m => images.ContainsKey(Path.GetFileNameWithoutExtension(m)))
            .Select(m => new SemanticMaskPair(images[Path.GetFileNameWithoutExtension(m)], m)).ToList();
        if (pairs.Count == 0)
            throw new InvalidDataException($"no mask in '{masksFolder}' has an image of the same name in '{imagesFolder}'");
        return new SemanticMaskSet(pairs);
    }

    /// <summary>A class-index PNG as one byte per pixel (the grey value, or the red channel of a colour PNG).</summary>
    public static (int Width, int Height, byte[] Classes) ReadMask(string path)
    {
        using var codec = SKCodec.Create(path) ?? throw new InvalidDataException($"'{path}' is not a readable image");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Gray8, SKAlphaType.Opaque);
        var grey = codec.Info.ColorType == SKColorType.Gray8;
        if (!grey)
            info = info.WithColorType(SKColorType.Rgba8888).WithAlphaType(SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw new InvalidDataException($"cannot decode '{path}': {result}");
        var pixels = bitmap.GetPixelSpan();
        var classes = new byte[info.Width * info.Height];
        for (var i = 0; i < classes.Length; i++)
            classes[i] = grey ? pixels[i] : pixels[4 * i];
        return (info.Width, info.Height, classes);
    }
}

/// <summary>How one image scored: true/false positive and false negative pixels, over the labelled pixels.</summary>
public readonly record struct PersonIoUImage(string Image, bool HasPeople, long TruePositive, long FalsePositive, long FalseNegative, long Labelled)
{
    public double IoU => TruePositive + FalsePositive + FalseNegative == 0 ? 1 : (double)TruePositive / (TruePositive + FalsePositive + FalseNegative);
}

/// <summary>
/// Person IoU on class-index masks: over images with people, the pixel-summed IoU (all true positives over
/// all true positives, false positives and false negatives) and the mean of per-image IoUs; over images
/// without people, the share of labelled pixels wrongly called person. Unlabelled pixels are ignored.
/// </summary>
public sealed record PersonIoUResult(double PixelSummedIoU, double MeanIoU, double FalsePositiveRate, int ImagesWithPeople, int ImagesWithoutPeople,
    IReadOnlyList<PersonIoUImage> PerImage, IReadOnlyList<string> Failed, double Seconds, StageTimings Timings);

public static class PersonIoUEvaluation
{
    /// <summary>Scores one predicted person mask against a class-index mask.</summary>
    public static PersonIoUImage Score(string image, BinaryMask predicted, ReadOnlySpan<byte> truth, byte personClass = 1, byte ignoredClass = 0)
    {
        if (truth.Length != predicted.Data.Length)
            throw new ArgumentException($"the {predicted.Width}x{predicted.Height} prediction and the mask of {truth.Length} pixels differ in size");
        long tp = 0, fp = 0, fn = 0, labelled = 0, people = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            if (truth[i] == ignoredClass)
                continue;
            labelled++;
            var isPerson = truth[i] == personClass;
            var said = predicted.Data[i] != 0;
            if (isPerson) people++;
            if (isPerson && said) tp++;
            else if (said) fp++;
            else if (isPerson) fn++;
        }
        return new PersonIoUImage(image, people > 0, tp, fp, fn, labelled);
    }

    /// <summary>Combines per-image scores into the summary figures.</summary>
    public static PersonIoUResult Summarize(IReadOnlyList<PersonIoUImage> images, IReadOnlyList<string> failed, double seconds, StageTimings timings)
    {
        var withPeople = images.Where(i => i.HasPeople).ToList();
        var without = images.Where(i => !i.HasPeople).ToList();
        long tp = withPeople.Sum(i => i.TruePositive), errors = withPeople.Sum(i => i.FalsePositive + i.FalseNegative);
        var summed = tp + errors == 0 ? 0 : (double)tp / (tp + errors);
        var mean = withPeople.Count == 0 ? 0 : withPeople.Average(i => i.IoU);
        long fp = without.Sum(i => i.FalsePositive), labelled = without.Sum(i => i.Labelled);
        return new PersonIoUResult(summed, mean, labelled == 0 ? 0 : (double)fp / labelled, withPeople.Count, without.Count, images, failed, seconds, timings);
    }

    /// <summary>Runs <paramref name="predict"/> (an image to its person mask) over the set and scores it.</summary>
    public static PersonIoUResult Evaluate(SemanticMaskSet set, Func<DecodedImage, (BinaryMask Person, StageTimings Timings)> predict, ImageLimits? limits = null,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        var scored = new List<PersonIoUImage>();
        var failed = new List<string>();
        var timings = new StageTimings();
        var done = 0;
        foreach (var pair in set.Pairs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                using var image = ImageDecoder.Decode(pair.Image, null, limits);
                var (width, height, truth) = SemanticMaskSet.ReadMask(pair.Mask);
                if (width != image.Width || height != image.Height)
                    throw new InvalidDataException($"mask {width}x{height} does not match the {image.Width}x{image.Height} image");
                var (person, t) = predict(image);
                timings += t;
                scored.Add(Score(pair.Image, person, truth));
            }
            catch (Exception e) when (e is ImageLoadException or InvalidDataException)
            {
                failed.Add($"{pair.Image}: {e.Message}");
            }
            progress?.Report(++done);
        }
        return Summarize(scored, failed, StageTimings.Since(start) / 1000, timings);
    }

    /// <summary>The person mask of a semantic result: the "person" class, or the foreground of a model without one.</summary>
    public static BinaryMask PersonMask(SemanticSegmentation result)
    {
        var person = result.Labels.ToList().FindIndex(l => string.Equals(l, "person", StringComparison.OrdinalIgnoreCase));
        return person > 0 ? result.MaskOf(person) : result.Foreground();
    }
}
