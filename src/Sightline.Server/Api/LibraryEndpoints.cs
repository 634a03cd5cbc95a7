using Sightline.Library.Scanning;
using Sightline.Imaging;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using Sightline.Library;
using Sightline.Library.Thumbnails;
using Sightline.Server.Errors;
using Sightline.Server.Hosting;

namespace Sightline.Server.Api;

/// <summary>
/// The photo library of <c>sightline serve --library</c>: its status, pages of photos, one photo with its analyses,
/// thumbnails and originals, and scans started over the API. Files are only ever read from paths the library
/// holds: nothing of the request reaches the file system but a photo id, parsed as a number.
/// </summary>
public static class LibraryEndpoints
{
    public const string StatusPath = "/v1/library/status";

    // Thumbnails are named by content hash: the bytes under one URL only change when the thumbnail size setting does,
    // and that is in the ETag. Private: a library is someone's photos, not for shared caches.
    private const string ImmutableCaching = "private, max-age=31536000, immutable";

    public static void Map(IEndpointRouteBuilder app)
    {
        var library = app.MapGroup("/v1/library").WithTags("library");

        library.MapGet("/status", async (LibraryServices services, CancellationToken ct) =>
            {
                var opened = await services.LibraryAsync(ct).ConfigureAwait(false);
                return new LibraryStatusResponse(await opened.GetStatusAsync(ct).ConfigureAwait(false), services.Scans.State);
            })
            .WithName("LibraryStatus")
            .WithSummary("The library's folders, counts, settings and recent failures (as 'sightline library status --json'), and the scan this server runs or ran last")
            .Produces<LibraryStatusResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        library.MapGet("/photos", async (LibraryServices services, string? limit, string? cursor, string? order, string? kind, CancellationToken ct) =>
            {
                var opened = await services.LibraryAsync(ct).ConfigureAwait(false);
                var query = LibraryRequests.PageQuery(limit, cursor, order, kind);
                try
                {
                    return await opened.Store.GetPhotosAsync(query, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (query.Cursor is not null && e is ArgumentException or FormatException)
                {
                    // The store refuses a cursor it did not write, or one of another order.
                    var reason = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
                    throw ApiProblem.BadParameter($"cursor: {reason}; give the nextCursor of the previous page in the same order, or none to start");
                }
            })
            .WithName("LibraryPhotos")
            .WithSummary("One page of the library's photos and videos, and the cursor of the next page (null after the last)")
            .WithDescription($"Query: limit (1-{LibraryRequests.MaxLimit}, default {LibraryRequests.DefaultLimit}), cursor (the previous page's nextCursor), "
                + $"order ({string.Join("|", LibraryRequests.Orders.Select(o => o.Name))}; default taken-desc: newest first, undated after dated), "
                + $"kind ({string.Join("|", LibraryRequests.Kinds.Select(k => k.Name))}; default both). Keyset paging: a page deep in a large library costs what the first does.")
            .Produces<PhotoPage>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        library.MapGet("/photos/{id}", async (LibraryServices services, string id, bool? descriptors, CancellationToken ct) =>
            {
                var opened = await services.LibraryAsync(ct).ConfigureAwait(false);
                var photoId = LibraryRequests.PhotoId(id);
                var detail = await opened.Store.GetPhotoAsync(photoId, ct).ConfigureAwait(false) ?? throw LibraryRequests.PhotoNotFound(id);
                var paths = await opened.Store.GetPathsAsync(photoId, ct).ConfigureAwait(false);
                var people = await opened.People.GetPhotoPeopleAsync(photoId, ct).ConfigureAwait(false);
                return LibraryPhotoResponse.From(detail, paths.Any(IsServableFile), descriptors == true, people);
            })
            .WithName("LibraryPhoto")
            .WithSummary("One photo with its paths, metadata, every stored analysis (each the task's JSON result), faces and the person of each detected face")
            .WithDescription("Query: descriptors=true includes each face's descriptor values. originalAvailable says whether GET .../original can serve the file now.")
            .Produces<LibraryPhotoResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        library.MapGet("/photos/{id}/thumbnail", async (HttpContext context, LibraryServices services, string id, string? size, CancellationToken ct) =>
            {
                var opened = await services.LibraryAsync(ct).ConfigureAwait(false);
                var photoId = LibraryRequests.PhotoId(id);
                var thumbnailSize = LibraryRequests.Size(size);
                var detail = await opened.Store.GetPhotoAsync(photoId, ct).ConfigureAwait(false) ?? throw LibraryRequests.PhotoNotFound(id);
                var hash = detail.Photo.ContentHash;
                var stream = OpenOrNull(opened.Thumbnails.PathOf(hash, thumbnailSize))
                    ?? throw new ApiProblemException(StatusCodes.Status404NotFound, "thumbnail_not_found",
                        $"the {Name(thumbnailSize)} thumbnail of photo {photoId} is not written yet; the library's scan writes it");
                var pixels = thumbnailSize == ThumbnailSize.Small ? opened.Thumbnails.Settings.SmallThumbnail : opened.Thumbnails.Settings.PreviewThumbnail;
                context.Response.Headers.CacheControl = ImmutableCaching;
                return Results.File(stream, opened.Thumbnails.ContentType,
                    entityTag: new EntityTagHeaderValue($"\"{hash}-{Name(thumbnailSize)}-{pixels.ToString(CultureInfo.InvariantCulture)}\""));
            })
            .WithName("LibraryThumbnail")
            .WithSummary("A photo's thumbnail from the library's folder: size=small (the grid's, default) or preview")
            .WithDescription("Served with an ETag of the photo's content hash (If-None-Match answers 304) and Cache-Control immutable; 404 thumbnail_not_found until the scan has written it.")
            .Produces(StatusCodes.Status200OK, null, "image/jpeg", "image/webp").Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        library.MapGet("/photos/{id}/original", async (HttpContext context, LibraryServices services, string id, CancellationToken ct) =>
            {
                var opened = await services.LibraryAsync(ct).ConfigureAwait(false);
                var photoId = LibraryRequests.PhotoId(id);
                var detail = await opened.Store.GetPhotoAsync(photoId, ct).ConfigureAwait(false) ?? throw LibraryRequests.PhotoNotFound(id);
                // Only the paths the library holds for this id: the first that still opens is served.
                var paths = await opened.Store.GetPathsAsync(photoId, ct).ConfigureAwait(false);
                var folders = opened.Settings.FollowLinksOutside ? null : await opened.Store.GetFoldersAsync(ct).ConfigureAwait(false);
                var changed = 0;
                foreach (var path in paths)
                {
                    // A file reached through a link out of the source folders (put there since the scan) is not served.
                    if (!Path.IsPathFullyQualified(path) || (folders is not null && !folders.Any(f => FileScanner.LiesWithin(path, f.Path))))
                    {
                        changed++;
                        continue;
                    }
                    if (OpenOrNull(path) is not { } stream)
                        continue;
                    // What lies at the path now must still be the photo the scan saw: a file swapped since, or a link put
                    // there pointing at any other file (a password file, another user's document), is not served.
                    if (stream.Length != detail.Photo.Size || FileContent.OfFile(path).Kind is not (ContentKind.Image or ContentKind.Video))
                    {
                        await stream.DisposeAsync().ConfigureAwait(false);
                        changed++;
                        continue;
                    }
                    // The bytes are a user's file, whatever they hold: the browser must not guess another type from them.
                    context.Response.Headers.XContentTypeOptions = "nosniff";
                    return Results.File(stream, LibraryRequests.MediaTypeOf(detail.Photo.Format),
                        lastModified: File.GetLastWriteTimeUtc(path), enableRangeProcessing: true);
                }
                var where = paths.Count == 0 ? "the last scan found its file nowhere"
                    : changed > 0 ? $"{(changed == paths.Count ? "every one" : $"{changed}")} of its {paths.Count} known paths holds another file since the last scan (the next scan reads it again)"
                    : $"none of its {paths.Count} known paths holds the file any more";
                throw new ApiProblemException(StatusCodes.Status404NotFound, "photo_offline",
                    $"photo {photoId} is offline: {where} (its details and thumbnails are still served)");
            })
            .WithName("LibraryOriginal")
            .WithSummary("A photo's or video's original file, with its content type by format; range requests are supported")
            .WithDescription("Served only from a path the library holds for the id; 404 photo_offline when every path is gone.")
            .Produces(StatusCodes.Status200OK, null, "application/octet-stream", [.. LibraryRequests.MediaTypes.Values.Distinct()]).Produces(StatusCodes.Status206PartialContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        library.MapPost("/scan", async (LibraryServices services, CancellationToken ct) =>
            {
                var started = await services.StartScanAsync(ct).ConfigureAwait(false);
                if (started is null)
                {
                    var running = services.Scans.State;
                    throw new ApiProblemException(StatusCodes.Status409Conflict, "scan_running",
                        $"a scan is running{(running is null ? "" : " since " + running.StartedAt.ToString("u", CultureInfo.InvariantCulture))}; GET {StatusPath} shows its progress");
                }
                return Results.Accepted(StatusPath, started);
            })
            .WithName("LibraryScan")
            .WithSummary("Starts a scan of the library's source folders in the background, on the server's models (202 with the scan's state; progress in the status)")
            .Produces<ScanState>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static string Name(ThumbnailSize size) => LibraryRequests.Sizes.First(s => s.Size == size).Name;

    private static bool IsServableFile(string path) => Path.IsPathFullyQualified(path) && File.Exists(path);

    /// <summary>The file opened for reading, or null when it is gone or cannot be read (a path another process just removed, say).</summary>
    private static FileStream? OpenOrNull(string path)
    {
        try
        {
            return new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return null;
        }
    }
}
