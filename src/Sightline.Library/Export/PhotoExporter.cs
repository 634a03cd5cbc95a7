using System.Text.Json;
using Sightline.Library.Duplicates;
using Sightline.Library.Scanning;
using Sightline.Library.Search;
using Sightline.Library.Storage;

namespace Sightline.Library.Export;

/// <summary>
/// Sorts a search's photos into folders (see <see cref="ExportRequest"/>): each photo's file goes into the folder of
/// each of its people, expressions, object classes or its month, as an absolute symbolic link to the original or an
/// atomic copy. A second run finds its own files and writes nothing new; a clash with another file takes the name
/// "name (2).jpg". The originals are only ever read.
/// </summary>
public sealed class PhotoExporter(PhotoLibrary library)
{
    /// <summary>How the reason of a file an earlier run wrote begins.</summary>
    public const string AlreadyThere = "already there";

    public const string Unnamed = "Unnamed";
    public const string NoFaces = "No faces";
    public const string NoExpression = "No expression";
    public const string Undated = "Undated";
    public const string NoObjects = "No objects";

    /// <summary>Longest folder or file name written (bytes of most file systems allow 255; room is left for " (n)" and ".xmp").</summary>
    private const int MaxName = 120;

    internal PhotoLibrary Source => library;

    public async Task<ExportReport> ExportAsync(ExportRequest request, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Enum.IsDefined(request.By) || !Enum.IsDefined(request.Mode))
            throw new ExportException($"export grouping {request.By} or mode {request.Mode} is not known");
        var to = await TargetAsync(request.To, cancellationToken).ConfigureAwait(false);
        var photos = await PhotosAsync(request.Search, cancellationToken).ConfigureAwait(false);
        var people = PublicReadsDuplicateSource.For(library.Store);

        var items = new List<ExportItem>();
        var skipped = new List<(long, string)>();
        var byFolder = new SortedDictionary<string, int>(StringComparer.Ordinal);
        // Names this run has taken, so that a dry run (which writes nothing) plans the same names a real run would.
        var planned = new Dictionary<string, string>(StringComparer.Ordinal);
        long bytes = 0;
        progress?.Report((0, photos.Count));
        for (var done = 0; done < photos.Count; done++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var detail = await library.Store.GetPhotoAsync(photos[done].Id, cancellationToken).ConfigureAwait(false);
            if (detail is null)
            {
                skipped.Add((photos[done].Id, "no longer in the library"));
                continue;
            }
            var original = detail.Paths.FirstOrDefault(File.Exists);
            if (original is null)
            {
                skipped.Add((detail.Photo.Id, detail.Paths.Count == 0
                    ? "offline: the library holds no path of it"
                    : $"offline: none of its {detail.Paths.Count} path(s) is on disk ({detail.Paths[0]})"));
                progress?.Report((done + 1, photos.Count));
                continue;
            }
            var names = await people.GetFacePeopleAsync(detail.Photo.Id, cancellationToken).ConfigureAwait(false);
            var facts = PhotoFacts.Of(detail, names);
            foreach (var folder in FoldersOf(facts, detail, request.By))
            {
                var relativeFolder = folder;
                var directory = Path.Combine(to, relativeFolder);
                var (destination, existing) = Place(directory, SafeName(Path.GetFileName(original)), original, detail.Photo.ContentHash, request.Mode, planned);
                planned[destination] = original;
                byFolder[relativeFolder] = byFolder.GetValueOrDefault(relativeFolder) + 1;
                string? sidecar = request.Xmp ? destination + ".xmp" : null;
                if (existing)
                {
                    var wroteSidecar = sidecar is not null && !request.DryRun && WriteSidecar(sidecar, detail, facts);
                    skipped.Add((detail.Photo.Id, $"{AlreadyThere}: {Path.GetRelativePath(to, destination)}" + (wroteSidecar ? " (sidecar brought up to date)" : "")));
                    continue;
                }
                if (!request.DryRun)
                {
                    Directory.CreateDirectory(directory);
                    bytes += Write(original, destination, request.Mode, to);
                    if (sidecar is not null)
                        WriteSidecar(sidecar, detail, facts);
                }
                items.Add(new ExportItem(detail.Photo.Id, original, destination, sidecar));
            }
            progress?.Report((done + 1, photos.Count));
        }
        return new ExportReport(to, request.DryRun, photos.Count, items, byFolder, skipped, bytes);
    }

    /// <summary>The target folder, refused when it would mix the export with what the library reads or keeps.</summary>
    private async Task<string> TargetAsync(string to, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(to))
            throw new ExportException("an export needs a target folder (--to)");
        var target = PhotoLibrary.Normalize(to);
        if (File.Exists(target))
            throw new ExportException($"the export target {target} is a file, not a folder");
        static bool Inside(string path, string folder) =>
            path == folder || path.StartsWith(folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        if (Inside(target, library.Folder))
            throw new ExportException($"the export target {target} is inside the library folder {library.Folder}, which holds the library's own files: choose a folder outside it");
        foreach (var folder in await library.Store.GetFoldersAsync(cancellationToken).ConfigureAwait(false))
            if (Inside(target, folder.Path))
                throw new ExportException($"the export target {target} is inside the source folder {folder.Path}: the next scan would ingest the export as new photos; choose a folder outside it");
        return target;
    }

    /// <summary>The photos of the search, in its order; a search without filters pages the library directly.</summary>
    private async Task<List<PhotoRow>> PhotosAsync(PhotoSearch search, CancellationToken cancellationToken)
    {
        var photos = new List<PhotoRow>();
        if (SearchScope.IsEverything(search))
        {
            for (string? cursor = null; ;)
            {
                var page = await library.Store.GetPhotosAsync(new PhotoQuery(500, cursor, PhotoOrder.TakenDescending, MediaKind.Photo), cancellationToken).ConfigureAwait(false);
                photos.AddRange(page.Photos);
                if ((cursor = page.NextCursor) is null)
                    return photos;
            }
        }
        for (string? cursor = null; ;)
        {
            var page = await library.Search.SearchAsync(search, new SearchPageRequest(500, cursor), cancellationToken).ConfigureAwait(false);
            photos.AddRange(page.Photos.Select(h => h.Photo));
            if ((cursor = page.NextCursor) is null)
                return photos;
        }
    }

    private static IEnumerable<string> FoldersOf(PhotoFacts facts, PhotoDetail detail, ExportGrouping by)
    {
        IEnumerable<string> names = by switch
        {
            ExportGrouping.Person => facts.People.Count > 0 ? facts.People : [Unnamed],
            ExportGrouping.Emotion => facts.FaceCount == 0 ? [NoFaces] : facts.Emotions.Count > 0 ? facts.Emotions : [NoExpression],
            ExportGrouping.Object => facts.Objects.Count > 0 ? facts.Objects : [NoObjects],
            _ => detail.Photo.TakenAt is { } taken ? [Path.Combine($"{taken:yyyy}", $"{taken:yyyy-MM}")] : [Undated],
        };
        return names.Select(n => by == ExportGrouping.Date ? n : SafeName(n)).Distinct(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Where a photo's file goes in a folder: its own name, or "name (n).ext" past names other files hold; and whether
    /// the file found there is already this photo's (a link to the same original, or a copy of the same bytes).
    /// </summary>
    private static (string Destination, bool Existing) Place(string directory, string name, string original, string contentHash, ExportMode mode,
        Dictionary<string, string> planned)
    {
        var stem = Path.GetFileNameWithoutExtension(name);
        var extension = Path.GetExtension(name);
        for (var n = 1; ; n++)
        {
            var candidate = Path.Combine(directory, n == 1 ? name : $"{stem} ({n}){extension}");
            if (planned.TryGetValue(candidate, out var plannedSource))
            {
                if (plannedSource == original)
                    return (candidate, true);
                continue;
            }
            var info = new FileInfo(candidate);
            if (info.LinkTarget is null && !info.Exists)
                return (candidate, false);
            if (IsSame(info, original, contentHash, mode))
                return (candidate, true);
        }
    }

    private static bool IsSame(FileInfo existing, string original, string contentHash, ExportMode mode)
    {
        if (existing.LinkTarget is { } target)
            return mode == ExportMode.Link && PhotoLibrary.Normalize(Path.Combine(existing.DirectoryName ?? "/", target)) == PhotoLibrary.Normalize(original);
        if (mode != ExportMode.Copy || !existing.Exists || existing.Length != new FileInfo(original).Length)
            return false;
        return ContentHash.Of(File.ReadAllBytes(existing.FullName)) == contentHash;
    }

    private static long Write(string original, string destination, ExportMode mode, string to)
    {
        try
        {
            if (mode == ExportMode.Link)
            {
                AtomicFile.Link(original, destination);
                return 0;
            }
            return AtomicFile.Copy(original, destination);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            throw new ExportException(mode == ExportMode.Link
                ? $"cannot make a link in {to} ({destination}): {e.Message}; a file system without symbolic links needs --copy"
                : $"cannot copy {original} to {destination}: {e.Message}");
        }
    }

    /// <summary>Writes the sidecar when it is missing or says something else; true when it wrote.</summary>
    private static bool WriteSidecar(string path, PhotoDetail detail, PhotoFacts facts)
    {
        var xml = XmpSidecar.Write(detail, facts);
        try
        {
            if (File.Exists(path) && File.ReadAllText(path) == xml)
                return false;
            AtomicFile.WriteAllText(path, xml);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ExportException($"cannot write the sidecar {path}: {e.Message}");
        }
    }

    /// <summary>
    /// A folder or file name any file system takes: path separators, reserved and control characters become "_",
    /// leading and trailing dots and spaces go, and a long name is cut (keeping its extension).
    /// </summary>
    public static string SafeName(string name)
    {
        var invalid = Path.GetInvalidFileNameChars().Concat(['/', '\\', ':', '*', '?', '"', '<', '>', '|']).ToHashSet();
        var chars = name.Select(c => invalid.Contains(c) || char.IsControl(c) ? '_' : c).ToArray();
        var safe = new string(chars).Trim().Trim('.').Trim();
        if (safe.Length > MaxName)
        {
            var extension = Path.GetExtension(safe);
            extension = extension.Length <= 10 ? extension : "";
            safe = safe[..(MaxName - extension.Length)].TrimEnd() + extension;
        }
        return safe.Length == 0 ? "_" : safe;
    }
}

/// <summary>What an export sorts a photo by and writes into its sidecar: named people per face, expressions, object classes.</summary>
internal sealed record PhotoFacts(
    IReadOnlyList<string> People,
    IReadOnlyList<string> Emotions,
    IReadOnlyList<string> Objects,
    int FaceCount,
    IReadOnlyList<(FaceRecord Face, string? Name)> Faces)
{
    public static PhotoFacts Of(PhotoDetail detail, IReadOnlyDictionary<(FaceOrigin Origin, int Index), string> personNames)
    {
        var faces = detail.Faces.Select(f => (f, personNames.TryGetValue((f.Origin, f.Index), out var n) ? n : f.Name)).ToList();
        var people = faces.Select(f => f.Item2).OfType<string>().Where(n => n.Trim().Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.OrdinalIgnoreCase).ToList();
        var emotions = detail.Faces.Select(f => f.Expression).OfType<string>().Select(e => e.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal).ToList();
        return new PhotoFacts(people, emotions, ObjectsOf(detail), detail.Faces.Count, faces);
    }

    /// <summary>The object classes of the detect analysis' stored JSON.</summary>
    private static List<string> ObjectsOf(PhotoDetail detail)
    {
        var json = detail.Analyses.FirstOrDefault(a => a.Task == "detect")?.Json;
        var classes = new SortedSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(json))
            return [];
        try
        {
            using var document = JsonDocument.Parse(json);
            foreach (var property in document.RootElement.EnumerateObject())
                if (string.Equals(property.Name, "detections", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.Array)
                    foreach (var detection in property.Value.EnumerateArray())
                        foreach (var field in detection.EnumerateObject())
                            if (string.Equals(field.Name, "className", StringComparison.OrdinalIgnoreCase) && field.Value.GetString() is { Length: > 0 } name)
                                classes.Add(name);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // A damaged analysis sorts the photo as one without objects rather than stopping the export.
        }
        return [.. classes];
    }
}
