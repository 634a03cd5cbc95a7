using Sightline.Imaging;
using Sightline.Models.Cache;

namespace Sightline.Vision.Classification;

/// <summary>
/// The backbone a head was trained on: catalog id, <see cref="CachedModel.Version"/>, the SHA-256 of its
/// ONNX file, its output size and how images become its input.
/// </summary>
public sealed record BackboneInfo(string Id, string Version, string Sha256, int Dimension, int InputWidth, int InputHeight, string Preprocessing)
{
    public static BackboneInfo From(CachedModel model)
    {
        var input = model.Entry.Input ?? throw new ArgumentException($"model '{model.Entry.Id}' has no input specification", nameof(model));
        var file = model.Entry.ModelFile is { } name ? model.Manifest.Files.FirstOrDefault(f => f.Name == name) : null;
        return new BackboneInfo(model.Entry.Id, model.Version, file?.Sha256 ?? "", model.Entry.OutputDimension ?? 0, input.Width, input.Height, input.ToString());
    }

    /// <summary>Why <paramref name="model"/> cannot stand in for this backbone, or null when it can.</summary>
    public string? Mismatch(CachedModel model)
    {
        var actual = From(model);
        if (actual.Id != Id)
            return $"the classifier was trained on backbone '{Id}', not '{actual.Id}'";
        if (actual.Sha256 != Sha256 || actual.Version != Version)
            return $"the classifier was trained on {Id} {Version} (model sha256 {Sha256[..Math.Min(12, Sha256.Length)]}), but the cached {Id} is {actual.Version} (sha256 {actual.Sha256[..Math.Min(12, actual.Sha256.Length)]}); retrain, or pull the matching model";
        return null;
    }
}

/// <summary>How the classifier was trained: data, counts, choices and time spent.</summary>
public sealed record TrainingSummary(
    string Folder,
    IReadOnlyList<int> ImagesPerClass,
    IReadOnlyList<SkippedFile> Skipped,
    bool Augmented,
    int AugmentedViews,
    int Seed,
    double EmbedSeconds,
    double TrainSeconds);

/// <summary>
/// Everything a <c>.sightline</c> file holds: backbone identity, feature map, class names, head weights,
/// unknown-image rule, training metrics and summary, and when it was made.
/// </summary>
public sealed record ClassifierModel(
    int FormatVersion,
    BackboneInfo Backbone,
    string FeatureMap,
    IReadOnlyList<string> Classes,
    LinearHead Head,
    UnknownRule Unknown,
    TrainingMetrics Metrics,
    TrainingSummary Training,
    DateTimeOffset Created)
{
    /// <summary>
    /// The format this Sightline writes. Bump it on any change old readers would misread. Version 2: the
    /// unknown rule may be <see cref="UnknownScore.RawCentroidCosine"/>, whose class centres live in the
    /// backbone's embedding space, not the head's.
    /// </summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>The oldest format still read: version-1 files keep the rule they were trained with.</summary>
    public const int OldestReadableFormatVersion = 1;

    /// <summary>
    /// The scores a classifier file holds. <see cref="UnknownScore.Mahalanobis"/> and
    /// <see cref="UnknownScore.NearestExample"/> are measured by <c>sightline eval unknown</c> only: neither
    /// beat the raw-embedding centroid cosine, so the format has no fields for them.
    /// </summary>
    public static bool Stores(UnknownScore score) => score is UnknownScore.MaxProbability or UnknownScore.MaxLogit or UnknownScore.CentroidCosine or UnknownScore.RawCentroidCosine;

    public static ClassifierModel Create(TrainedHead trained, BackboneInfo backbone, TrainingSummary training) =>
        Stores(trained.Unknown.Score)
            ? new(CurrentFormatVersion, backbone, Classification.FeatureMap.Name, trained.Classes, trained.Head, trained.Unknown, trained.Metrics, training, DateTimeOffset.UtcNow)
            : throw new ArgumentException($"a classifier file cannot hold a {trained.Unknown.Score} unknown rule; train with {UnknownScore.RawCentroidCosine}", nameof(trained));

    /// <summary>Checks the parts against each other; throws <see cref="ClassifierFileException"/> (corrupt) when they disagree.</summary>
    public ClassifierModel Validate(string source)
    {
        string? problem = null;
        try
        {
            Head.Validate();
        }
        catch (ArgumentException e)
        {
            problem = e.Message;
        }
        if (problem is null && Classes.Count != Head.Classes)
            problem = $"{Classes.Count} class names for a {Head.Classes}-class head";
        else if (problem is null && Classes.Count < 2)
            problem = "fewer than two classes";
        else if (problem is null && Classes.Distinct(StringComparer.Ordinal).Count() != Classes.Count)
            problem = "duplicate class names";
        else if (problem is null && Backbone.Dimension != Head.Dimension)
            problem = $"a {Head.Dimension}-d head on a {Backbone.Dimension}-d backbone";
        else if (problem is null && Unknown.Centroids is { } centroids && (centroids.Length != Head.Classes || centroids.Any(c => c is null || c.Length != Head.Dimension)))
            problem = $"the unknown rule's class centres do not fit a {Head.Classes}x{Head.Dimension} head";
        else if (problem is null && !Stores(Unknown.Score))
            problem = $"an unknown rule of score {Unknown.Score}, which classifier files do not hold";
        else if (problem is null && Unknown.Score == UnknownScore.RawCentroidCosine && FormatVersion < 2)
            problem = $"format version {FormatVersion} has no {UnknownScore.RawCentroidCosine} rule";
        else if (problem is null && (Unknown.Score is UnknownScore.CentroidCosine or UnknownScore.RawCentroidCosine) && Unknown.Centroids is null)
            problem = "the unknown rule needs class centres and has none";
        else if (problem is null && FeatureMap != Classification.FeatureMap.Name)
            problem = $"unknown feature map '{FeatureMap}'";
        if (problem is not null)
            throw new ClassifierFileException(ClassifierFileErrorKind.Corrupt, $"'{source}' is damaged: {problem}");
        return this;
    }
}
