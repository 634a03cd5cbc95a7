namespace Sightline.Tests.Shared;

public static class TestPaths
{
    /// <summary>The repository root: the folder holding Sightline.slnx above the test binaries.</summary>
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>The shared evaluation data beside the repository (../shared/data), or SIGHTLINE_DATA.</summary>
    public static string SharedData =>
        Environment.GetEnvironmentVariable("SIGHTLINE_DATA") is { Length: > 0 } data
            ? data
            : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));

    /// <summary>A data set folder under <see cref="SharedData"/>; fails the test with a clear message when absent.</summary>
    public static string Data(string name)
    {
        var path = Path.Combine(SharedData, name);
        if (!Directory.Exists(path) && !File.Exists(path))
            throw new DirectoryNotFoundException($"evaluation data '{path}' is missing: place the shared data beside the repository or set SIGHTLINE_DATA");
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Sightline.slnx")))
                return dir.FullName;
        throw new InvalidOperationException("cannot find Sightline.slnx above " + AppContext.BaseDirectory);
    }
}
