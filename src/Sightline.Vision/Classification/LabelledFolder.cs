using Sightline.Imaging;
using Sightline.Vision.Embeddings;

namespace Sightline.Vision.Classification;

/// <summary>One image of a labelled folder and its class index.</summary>
public readonly record struct LabelledFile(string Path, int Label);

/// <summary>
/// The ImageFolder layout: each sub-folder of <see cref="Root"/> is a class named after it, holding its
/// images (searched recursively). Problems that still leave something to train on become
/// <see cref="Warnings"/>; the rest throw <see cref="ClassifierTrainingException"/>.
/// </summary>
public sealed record LabelledFolder(string Root, IReadOnlyList<string> Classes, IReadOnlyList<LabelledFile> Files, IReadOnlyList<string> Warnings)
{
    public static LabelledFolder Scan(string root, int minimumClasses = 2)
    {
        root = System.IO.Path.GetFullPath(root);
        if (!Directory.Exists(root))
            throw new ClassifierTrainingException($"folder '{root}' does not exist");
        var warnings = new List<string>();
        var notImages = new List<SkippedFile>();
        var loose = 0;
        foreach (var file in Directory.EnumerateFiles(root).Order(StringComparer.Ordinal))
        {
            if (ImageFiles.WhyNotAnImage(file) is { } reason)
                notImages.Add(new SkippedFile(file, reason));
            else
                loose++;
        }
        if (loose > 0)
            warnings.Add($"{loose} image(s) directly in '{root}' ignored: put each class's images in a sub-folder named after the class");
        var classes = new List<string>();
        var files = new List<LabelledFile>();
        foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var name = System.IO.Path.GetFileName(folder);
            if (name.StartsWith('.'))
            {
                notImages.Add(new SkippedFile(folder + System.IO.Path.DirectorySeparatorChar, "hidden folder (not searched)"));
                continue;
            }
            var scan = ImageFiles.ScanFolder(folder);
            notImages.AddRange(scan.Skipped);
            var images = scan.Images;
            if (images.Count == 0)
            {
                warnings.Add($"class folder '{name}' holds no images; skipped");
                continue;
            }
            files.AddRange(images.Select(f => new LabelledFile(f, classes.Count)));
            classes.Add(name);
        }
        if (classes.Count < minimumClasses)
            throw new ClassifierTrainingException(classes.Count == 0
                ? $"'{root}' has no class sub-folders with images: expected one sub-folder per class (e.g. {root}/cats/*.jpg, {root}/dogs/*.jpg)"
                : $"'{root}' has only {classes.Count} class with images ('{string.Join("', '", classes)}'); a classifier needs at least {minimumClasses}");
        return new LabelledFolder(root, classes, files, warnings) { NotImages = notImages };
    }

    /// <summary>Files under <see cref="Root"/> that are not images of a class (videos, sidecars, hidden folders), each with its reason.</summary>
    public IReadOnlyList<SkippedFile> NotImages { get; init; } = [];

    /// <summary>The same folder without one class (to play the unknown, say); labels are renumbered.</summary>
    public LabelledFolder Without(string className)
    {
        var index = Classes.ToList().IndexOf(className);
        if (index < 0)
            throw new ClassifierTrainingException($"there is no class '{className}' in '{Root}' (classes: {string.Join(", ", Classes)})");
        return this with
        {
            Classes = Classes.Where((_, i) => i != index).ToArray(),
            Files = Files.Where(f => f.Label != index).Select(f => f with { Label = f.Label - (f.Label > index ? 1 : 0) }).ToArray(),
        };
    }
}

/// <summary>Embedded training data and the files that could not be read.</summary>
public sealed record EmbeddedFolder(LabelledSet Set, IReadOnlyList<SkippedFile> Skipped, IReadOnlyList<string> Warnings);

/// <summary>Turns a labelled folder into head features (<see cref="FeatureMap"/>), with augmented views when asked.</summary>
public static class FolderEmbedding
{
    /// <summary>
    /// Embeds every file (unreadable ones are skipped and listed) and, with <paramref name="augmentation"/>,
    /// its augmented views. <paramref name="progress"/> receives (done, total) images embedded, views included.
    /// A class left with no readable image is dropped with a warning.
    /// </summary>
    public static EmbeddedFolder Embed(LabelledFolder folder, IImageEmbedder embedder, AugmentationOptions? augmentation = null, int seed = 1,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        var views = augmentation?.Views ?? 0;
        var total = folder.Files.Count * (1 + views);
        var paths = folder.Files.Select(f => f.Path).ToList();
        var outcomes = embedder.EmbedFiles(paths, new InlineProgress(d => progress?.Report((d, total))), cancellationToken);
        var skipped = folder.NotImages.Concat(outcomes.Where(o => !o.Succeeded).Select(o => new SkippedFile(o.Source.Name, o.Error!.Message))).ToList();
        var good = Enumerable.Range(0, outcomes.Count).Where(i => outcomes[i].Succeeded).ToArray();
        var viewFeatures = new float[outcomes.Count][][];
        if (views > 0)
        {
            var done = folder.Files.Count;
            var batch = Math.Max(1, embedder.Options.BatchSize);
            for (var offset = 0; offset < good.Length; offset += batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var chunk = good.Skip(offset).Take(batch).ToArray();
                var decoded = new DecodedImage[chunk.Length][];
                Parallel.For(0, chunk.Length, j =>
                {
                    var i = chunk[j];
                    var random = new Random(unchecked(seed * 7919 + i));
                    using var image = ImageDecoder.Decode(paths[i], embedder.DecodeSize, embedder.Options.Limits);
                    decoded[j] = new DecodedImage[views];
                    for (var v = 0; v < views; v++)
                    {
                        using var altered = ImageAugmentation.View(image.Bitmap, v, random, augmentation!);
                        using var png = altered.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
                        // Round trip through the decoder: it is the one way to make a DecodedImage.
                        decoded[j][v] = ImageDecoder.Decode(png.AsSpan(), $"{paths[i]}#view{v + 1}", embedder.DecodeSize);
                    }
                });
                try
                {
                    var embeddings = embedder.Embed(decoded.SelectMany(d => d).ToList());
                    for (var j = 0; j < chunk.Length; j++)
                        viewFeatures[chunk[j]] = embeddings.Skip(j * views).Take(views).Select(e => FeatureMap.Apply(e.Vector)).ToArray();
                }
                finally
                {
                    foreach (var image in decoded.SelectMany(d => d))
                        image.Dispose();
                }
                done += chunk.Length * views;
                progress?.Report((done, total));
            }
        }

        var warnings = new List<string>(folder.Warnings);
        var usable = good.Select(i => folder.Files[i].Label).Distinct().Order().ToList();
        foreach (var lost in Enumerable.Range(0, folder.Classes.Count).Except(usable))
            warnings.Add($"class '{folder.Classes[lost]}' has no readable images; skipped");
        var examples = good.Select(i => new LabelledExample(paths[i], usable.IndexOf(folder.Files[i].Label), FeatureMap.Apply(outcomes[i].Result!.Vector), viewFeatures[i])).ToList();
        return new EmbeddedFolder(new LabelledSet(usable.Select(l => folder.Classes[l]).ToArray(), examples), skipped, warnings);
    }

    private sealed class InlineProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
