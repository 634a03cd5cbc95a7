using Sightline.Library.Search;
using Sightline.Library.Storage;
using Sightline.Library.Thumbnails;

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

/// <summary>
/// The rules of grouping and of the best shot. Defaults are chosen by principle and measured on several sets (see the
/// README): no threshold of the image embedding alone tells an edited copy from another photo of the same subject
/// (resized copies measured down to 0.869, two news photos of different people up to 0.906), so near duplicates
/// need either a cosine above every different pair measured, or a cosine above <see cref="NearHashSimilarity"/> and
/// nearly the same difference hash of the thumbnail.
/// </summary>
public sealed record DuplicateOptions
{
    public static DuplicateOptions Default { get; } = new();

    /// <summary>Cosine of the image embeddings at or above which two photos are near duplicates whatever their dates (the highest different pair measured was 0.920).</summary>
    public double NearSimilarity { get; init; } = 0.95;

    /// <summary>Cosine at or above which two photos whose thumbnails' difference hashes differ in at most <see cref="NearHashBits"/> bits are near duplicates.</summary>
    public double NearHashSimilarity { get; init; } = 0.8;

    /// <summary>Bits of the 64-bit difference hash two near duplicates may differ in (edits measured 0-3, different photos 13 or more).</summary>
    public int NearHashBits { get; init; } = 6;

    /// <summary>Cosine at or above which two photos taken within <see cref="BurstSeconds"/> are one burst.</summary>
    public double BurstSimilarity { get; init; } = 0.85;

    public double BurstSeconds { get; init; } = 10;

    /// <summary>Eye aspect ratio (68 landmarks) at or under which an eye counts as closed.</summary>
    public double EyesClosedAspect { get; init; } = 0.15;

    /// <summary>Eye aspect ratio at or above which an eye counts as fully open.</summary>
    public double EyesOpenAspect { get; init; } = 0.25;

    /// <summary>Face size (short side, pixels) that counts as fully large: the face networks see 112 to 160 pixels.</summary>
    public double FullFacePixels { get; init; } = 160;

    public double FaceQualityWeight { get; init; } = 0.25;
    public double EyesWeight { get; init; } = 0.25;
    public double ExpressionWeight { get; init; } = 0.15;
    public double FaceSizeWeight { get; init; } = 0.1;
    public double SharpnessWeight { get; init; } = 0.1;
    public double ResolutionWeight { get; init; } = 0.15;

    /// <summary>How much each expression is worth in a best shot: a smile first, then a calm face; a frown or a cry least.</summary>
    public IReadOnlyDictionary<string, double> ExpressionValues { get; init; } = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase)
    {
        ["happy"] = 1.0, ["neutral"] = 0.8, ["surprised"] = 0.6,
    };

    /// <summary>The worth of any other expression (sad, angry, fearful, disgusted).</summary>
    public double OtherExpressionValue { get; init; } = 0.3;

    /// <summary>A clear error naming the option when a value cannot work.</summary>
    public void Validate()
    {
        foreach (var (name, value) in new[] { ("NearSimilarity", NearSimilarity), ("NearHashSimilarity", NearHashSimilarity), ("BurstSimilarity", BurstSimilarity) })
            if (!(value is >= -1 and <= 1))
                throw new ArgumentException($"duplicate option {name} must be a cosine between -1 and 1 (got {value})");
        if (!(BurstSeconds >= 0))
            throw new ArgumentException($"duplicate option BurstSeconds must be 0 or more (got {BurstSeconds})");
        if (NearHashBits is < 0 or > 64)
            throw new ArgumentException($"duplicate option NearHashBits must be 0 to 64 (got {NearHashBits})");
        if (!(EyesOpenAspect > EyesClosedAspect))
            throw new ArgumentException($"duplicate option EyesOpenAspect ({EyesOpenAspect}) must be above EyesClosedAspect ({EyesClosedAspect})");
    }
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
public sealed record DuplicateReport(IReadOnlyList<DuplicateGroup> Groups, int Photos, int Redundant)
{
    /// <summary>Only the groups of <paramref name="kind"/> (all of them when null), with their redundant count.</summary>
    public DuplicateReport OfKind(DuplicateKind? kind)
    {
        if (kind is null)
            return this;
        var groups = Groups.Where(g => g.Kind == kind).ToList();
        return new DuplicateReport(groups, Photos, groups.Sum(g => g.Members.Count - 1));
    }

    /// <summary>A kind as users type it (exact, near, burst; case-insensitive), null for none; anything else is null with <paramref name="valid"/> false.</summary>
    public static DuplicateKind? ParseKind(string? text, out bool valid)
    {
        valid = true;
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "": return null;
            case "exact": return DuplicateKind.Exact;
            case "near": return DuplicateKind.Near;
            case "burst": return DuplicateKind.Burst;
            default: valid = false; return null;
        }
    }
}

/// <summary>
/// Finds duplicate groups and bursts in a library, or among the photos of a search, and ranks each group's shots.
/// <paramref name="thumbnails"/>, when given, lets near duplicates be confirmed by the difference hash of the grid
/// thumbnail (see <see cref="DuplicateOptions.NearHashSimilarity"/>).
/// </summary>
public sealed class DuplicateFinder(ILibraryStore store, Func<ThumbnailStore>? thumbnails = null, SearchService? search = null)
{
    // The library's own search, so a restriction to a similar-to search reuses its in-memory embeddings.
    private readonly SearchService _search = search ?? new SearchService(store);

    internal ILibraryStore Source => store;

    public async Task<DuplicateReport> FindAsync(DuplicateOptions? options = null, PhotoSearch? within = null, CancellationToken cancellationToken = default)
    {
        options ??= DuplicateOptions.Default;
        options.Validate();
        var source = PublicReadsDuplicateSource.For(store);
        var allowed = await WithinAsync(within, cancellationToken).ConfigureAwait(false);
        bool Included(long id) => allowed is null || allowed.Contains(id);

        var candidates = (await source.GetDuplicateCandidatesAsync(cancellationToken).ConfigureAwait(false)).Where(c => Included(c.PhotoId)).ToList();
        var hashes = thumbnails is null ? null : new ThumbnailHashes(thumbnails());
        var similar = await Task.Run(() => DuplicateGrouping.Group(candidates, options, hashes is null ? null : hashes.Distance, cancellationToken), cancellationToken)
            .ConfigureAwait(false);

        var groups = new List<DuplicateGroup>();
        foreach (var id in (await source.GetMultiPathPhotosAsync(cancellationToken).ConfigureAwait(false)).Where(Included))
            if (await ExactGroupAsync(id, cancellationToken).ConfigureAwait(false) is { } exact)
                groups.Add(exact);
        foreach (var group in similar)
            groups.Add(await RankAsync(group, options, cancellationToken).ConfigureAwait(false));

        var photos = allowed?.Count ?? (int)(await store.GetCountsAsync(cancellationToken).ConfigureAwait(false)).Photos;
        return new DuplicateReport(groups, photos, groups.Sum(g => g.Members.Count - 1));
    }

    /// <summary>The ids a search finds; null for every photo.</summary>
    private async Task<HashSet<long>?> WithinAsync(PhotoSearch? within, CancellationToken cancellationToken)
    {
        if (within is null || SearchScope.IsEverything(within))
            return null;
        var ids = new HashSet<long>();
        for (string? cursor = null; ;)
        {
            var page = await _search.SearchAsync(within, new SearchPageRequest(500, cursor), cancellationToken).ConfigureAwait(false);
            foreach (var hit in page.Photos)
                ids.Add(hit.Photo.Id);
            if ((cursor = page.NextCursor) is null)
                return ids;
        }
    }

    /// <summary>One photo under several paths: a member per path, the shortest path (fewest folders, then by name) kept.</summary>
    private async Task<DuplicateGroup?> ExactGroupAsync(long id, CancellationToken cancellationToken)
    {
        var detail = await store.GetPhotoAsync(id, cancellationToken).ConfigureAwait(false);
        if (detail is null || detail.Paths.Count < 2)
            return null;
        var paths = detail.Paths.OrderBy(p => p.Count(c => c == Path.DirectorySeparatorChar)).ThenBy(p => p.Length).ThenBy(p => p, StringComparer.Ordinal).ToList();
        var members = paths.Select((p, i) => new DuplicateMember(detail.Photo, [p], i == 0 ? 1 : 0,
            i == 0 ? ["the same bytes; kept: the shortest path"] : [$"the same bytes as {paths[0]}"])).ToList();
        return new DuplicateGroup(DuplicateKind.Exact, members, 1);
    }

    private async Task<DuplicateGroup> RankAsync(SimilarGroup group, DuplicateOptions options, CancellationToken cancellationToken)
    {
        var details = new List<PhotoDetail>();
        foreach (var id in group.PhotoIds)
            if (await store.GetPhotoAsync(id, cancellationToken).ConfigureAwait(false) is { } detail)
                details.Add(detail);
        var ratings = ShotScore.Rate(details.Select(Facts).ToList(), options);
        var members = details.Select((d, i) => new DuplicateMember(d.Photo, d.Paths, ratings[i].Score, ratings[i].Reasons))
            .OrderByDescending(m => m.Score).ThenByDescending(m => m.Photo.Size).ThenBy(m => m.Photo.Id).ToList();
        return new DuplicateGroup(group.Kind, members, group.Similarity);
    }

    /// <summary>What scoring needs of a photo: its size, and its detected faces with the 68 landmarks of the faces analysis.</summary>
    internal static ShotFacts Facts(PhotoDetail detail)
    {
        var analysed = ShotScore.FromFacesJson(detail.Analyses.FirstOrDefault(a => a.Task == "faces")?.Json);
        var faces = detail.Faces.Where(f => f.Origin == FaceOrigin.Detected).Select(f =>
        {
            var extra = f.Index >= 0 && f.Index < analysed.Count ? analysed[f.Index] : default;
            return new ShotFace(f.Width, f.Height, f.Quality ?? extra.Quality, extra.Sharpness, f.Expression, extra.Landmarks68);
        }).ToList();
        return new ShotFacts(detail.Photo.Width, detail.Photo.Height, detail.Photo.Size, faces);
    }
}
