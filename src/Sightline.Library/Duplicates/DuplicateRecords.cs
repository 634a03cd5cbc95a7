using Sightline.Library.Search;
using Sightline.Library.Storage;

namespace Sightline.Library.Duplicates;

/// <summary>Why photos are grouped.</summary>
public enum DuplicateKind
{
    /// <summary>The same bytes under several paths (one media item, several files).</summary>
    Exact,

    /// <summary>Different files of nearly the same picture (re-encoded, resized, edited): embeddings nearly equal, at any time.</summary>
    Near,

    /// <summary>Shots taken seconds apart of the same scene (a burst): embeddings close and dates within <see cref="DuplicateOptions.BurstSeconds"/>.</summary>
    Burst,
}

/// <summary>The rules of grouping and of the best shot. Defaults are chosen by principle and measured on several sets (see the README).</summary>
public sealed record DuplicateOptions
{
    public static DuplicateOptions Default { get; } = new();

    /// <summary>Cosine of the image embeddings at or above which two photos are near duplicates whatever their dates.</summary>
    public double NearSimilarity { get; init; } = 0.95;

    /// <summary>Cosine at or above which two photos taken within <see cref="BurstSeconds"/> are one burst.</summary>
    public double BurstSimilarity { get; init; } = 0.85;

    public double BurstSeconds { get; init; } = 10;
}

/// <summary>
/// One photo of a group and how good a shot it is: <see cref="Score"/> 0-1 from face quality, eyes open (the 68
/// landmarks' eye aspect ratio), expression and sharpness, with <see cref="Reasons"/> saying what counted.
/// </summary>
public sealed record DuplicateMember(PhotoRow Photo, IReadOnlyList<string> Paths, double Score, IReadOnlyList<string> Reasons);

/// <summary>A group of duplicates or a burst: its members best first, <see cref="Best"/> the one to keep.</summary>
public sealed record DuplicateGroup(DuplicateKind Kind, IReadOnlyList<DuplicateMember> Members, double Similarity)
{
    public DuplicateMember Best => Members[0];
}

/// <summary>Every group found, and how many photos they hold beyond the best of each (what could be removed).</summary>
public sealed record DuplicateReport(IReadOnlyList<DuplicateGroup> Groups, int Photos, int Redundant);

/// <summary>Finds duplicate groups and bursts in a library, or among the photos of a search, and ranks each group's shots.</summary>
public sealed class DuplicateFinder(ILibraryStore store)
{
    internal ILibraryStore Source => store;

    public Task<DuplicateReport> FindAsync(DuplicateOptions? options = null, PhotoSearch? within = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();
}
