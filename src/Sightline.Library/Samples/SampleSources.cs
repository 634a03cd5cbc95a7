namespace Sightline.Library.Samples;

/// <summary>
/// Where <c>sightline library samples</c> takes its photos from: folders of the shared evaluation data beside the
/// repository (real, messy photos with faces, text and objects), or, on a machine without it, the sample photos a
/// model package ships.
/// </summary>
public sealed record SampleOptions
{
    public static SampleOptions Default { get; } = new();

    /// <summary>Folders under the shared data (../shared/data) that make the sample library, in this order.</summary>
    public IReadOnlyList<string> SharedFolders { get; init; } = ["photo-collection", "faces-bbt", "faces-lfw", "coco128-train/images"];

    /// <summary>The cached model whose package ships sample photos (face-api's demo photos of people), used when the shared data is absent.</summary>
    public string PackageSamplesModel { get; init; } = "face-api";

    /// <summary>The folder of <see cref="PackageSamplesModel"/>'s cache that holds those photos.</summary>
    public string PackageSamplesFolder { get; init; } = "demo";
}

/// <summary>The folders a sample library ingests and where they came from ("shared data" or "model package").</summary>
public sealed record SampleSet(string Origin, IReadOnlyList<string> Folders);

public static class SampleSources
{
    /// <summary>
    /// The shared data folder: <c>SIGHTLINE_DATA</c> when set, else <c>../shared/data</c> from the working folder (as
    /// the README's commands name it), else <c>../shared/data</c> beside the repository holding the working folder;
    /// null when none exists.
    /// </summary>
    public static string? FindSharedData(string workingFolder, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (environment("SIGHTLINE_DATA") is { Length: > 0 } data)
            return Directory.Exists(data) ? Path.GetFullPath(data) : null;
        var beside = Path.GetFullPath(Path.Combine(workingFolder, "..", "shared", "data"));
        if (Directory.Exists(beside))
            return beside;
        for (var dir = new DirectoryInfo(workingFolder); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Sightline.slnx")))
            {
                var repository = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
                return Directory.Exists(repository) ? repository : null;
            }
        return null;
    }

    /// <summary>The sample folders of the shared data that exist (null when none of them does).</summary>
    public static SampleSet? FromSharedData(string sharedData, SampleOptions options)
    {
        var folders = options.SharedFolders.Select(f => Path.GetFullPath(Path.Combine(sharedData, f))).Where(Directory.Exists).ToList();
        return folders.Count == 0 ? null : new SampleSet($"shared data {sharedData}", folders);
    }

    /// <summary>The sample photos of a cached model package (<paramref name="modelDirectory"/> is the model's cache folder).</summary>
    public static SampleSet FromModelPackage(string modelDirectory, SampleOptions options)
    {
        var folder = Path.Combine(modelDirectory, options.PackageSamplesFolder);
        if (!Directory.Exists(folder) || !Directory.EnumerateFiles(folder, "*.jpg").Any())
            throw new LibraryInputException($"the {options.PackageSamplesModel} model package in {modelDirectory} has no sample photos in {options.PackageSamplesFolder}/: "
                + $"pull it again (sightline models pull {options.PackageSamplesModel} --force), or name folders with --from");
        return new SampleSet($"the {options.PackageSamplesModel} model package's sample photos", [folder]);
    }
}
