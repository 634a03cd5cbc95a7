namespace Sightline.Fuzz.Targets;

/// <summary>
/// One parser that reads outside data, driven with arbitrary bytes. <see cref="Run"/> returns normally when the
/// parser answered or refused the input the way it documents (its own error type); anything else escaping it (an
/// unexpected exception, a broken promise of the parser, an allocation over <see cref="AllocationBound"/>) is a bug.
/// </summary>
/// <param name="Name">What the command line calls it.</param>
/// <param name="Reads">The parser and the entry point it goes through, for the list and the README.</param>
/// <param name="Run">One input through the parser.</param>
/// <param name="Seeds">The starting corpus: inputs made in code, and files from the shared data when it is there.</param>
/// <param name="AllocationBound">The most managed bytes one input may allocate, given its length.</param>
public sealed record FuzzTarget(
    string Name,
    string Reads,
    Action<byte[]> Run,
    Func<SeedData, IEnumerable<Seed>> Seeds,
    Func<int, long> AllocationBound);

/// <summary>One starting input of a corpus.</summary>
public sealed record Seed(string Name, byte[] Bytes);

/// <summary>Where the seeds come from besides code: the shared data sets' folder, or null when it is absent.</summary>
public sealed record SeedData(string? SharedData)
{
    /// <summary>Files under the shared data with one of the extensions, smallest first, at most <paramref name="maxBytes"/> each.</summary>
    public IEnumerable<string> Files(IEnumerable<string> extensions, long maxBytes)
    {
        if (SharedData is null || !Directory.Exists(SharedData))
            return [];
        var wanted = extensions.Select(e => e.StartsWith('.') ? e : "." + e).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return Directory.EnumerateFiles(SharedData, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => wanted.Contains(Path.GetExtension(f)))
            .Select(f => new FileInfo(f))
            .Where(f => f.Length > 0 && f.Length <= maxBytes)
            .OrderBy(f => f.Length).ThenBy(f => f.FullName, StringComparer.Ordinal)
            .Select(f => f.FullName);
    }

    /// <summary>Seeds from <see cref="Files"/>: the smallest <paramref name="perExtension"/> of each extension.</summary>
    public IEnumerable<Seed> SmallestOf(IEnumerable<string> extensions, int perExtension, long maxBytes) =>
        Files(extensions, maxBytes)
            .GroupBy(f => Path.GetExtension(f).ToLowerInvariant())
            .SelectMany(g => g.Take(perExtension))
            .Select(f => new Seed(SeedName(f), File.ReadAllBytes(f)));

    private string SeedName(string file) =>
        "shared-" + Path.GetRelativePath(SharedData!, file).Replace(Path.DirectorySeparatorChar, '_');
}

/// <summary>A parser broke a promise it makes (an answer out of range, a round trip that differs, too much memory).</summary>
public sealed class FuzzFindingException(string message, Exception? inner = null) : Exception(message, inner);
