using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using Sightline.Library;
using Sightline.Library.People;
using Sightline.Library.Thumbnails;
using Sightline.Server.Errors;
using Sightline.Server.Hosting;
using LibraryPersonDetail = Sightline.Library.People.PersonDetail;

namespace Sightline.Server.Api;

/// <summary>
/// The people of the library of <c>sightline serve --library</c>: the groups its faces were clustered into, every
/// decision about them, and face thumbnails. Answers are the records of <see cref="PeopleService"/> (the same JSON
/// <c>sightline library people ... --json</c> prints); its errors are 404, 400 and 409 problems.
/// </summary>
public static class PeopleEndpoints
{
    // As the photo thumbnails: private (someone's photos), and immutable while the face and the preview are the same,
    // which the ETag names (photo content, face box, preview size and crop size).
    private const string ImmutableCaching = "private, max-age=31536000, immutable";

    public static void Map(IEndpointRouteBuilder app)
    {
        var people = app.MapGroup("/v1/library/people").WithTags("people");

        people.MapGet("", async (LibraryServices services, string? all, string? named, CancellationToken ct) =>
            {
                var library = await services.LibraryAsync(ct).ConfigureAwait(false);
                var query = PeopleRequests.Query(all, named);
                return await library.People.ListAsync(query, ct).ConfigureAwait(false);
            })
            .WithName("LibraryPeople")
            .WithSummary("The library's people: name (null until named), face and photo counts, cover face, hidden and confirmed")
            .WithDescription("Query: all=true includes hidden people; named=true lists only named people.")
            .Produces<IReadOnlyList<PersonSummary>>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        people.MapGet("/suggestions", async (LibraryServices services, string? limit, CancellationToken ct) =>
            {
                var library = await services.LibraryAsync(ct).ConfigureAwait(false);
                var count = PeopleRequests.Limit(limit);
                return await library.People.SuggestAsync(count, ct).ConfigureAwait(false);
            })
            .WithName("LibraryPeopleSuggestions")
            .WithSummary("Pairs of people who may be the same person (mean face distance), likeliest first; never two who share a photo")
            .WithDescription($"Query: limit (1-{PeopleRequests.MaxLimit}, default {PeopleRequests.DefaultLimit}).")
            .Produces<IReadOnlyList<MergeSuggestion>>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        people.MapPost("/recluster", async (LibraryServices services, CancellationToken ct) =>
            {
                var library = await services.LibraryAsync(ct).ConfigureAwait(false);
                return await library.People.ReclusterAsync(ct).ConfigureAwait(false);
            })
            .WithName("LibraryRecluster")
            .WithSummary("Groups every face of the library again; names, merges, splits and rejections are kept")
            .Produces<ClusteringReport>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        people.MapGet("/{id}", async (LibraryServices services, string id, CancellationToken ct) =>
            {
                var library = await services.LibraryAsync(ct).ConfigureAwait(false);
                var personId = PeopleRequests.Id(id, "person id");
                return await library.People.GetAsync(personId, ct).ConfigureAwait(false)
                    ?? throw new PeopleException(PeopleErrorKind.NotFound, $"the library has no person {personId}; GET /v1/library/people?all=true lists them");
            })
            .WithName("LibraryPerson")
            .WithSummary("One person with their faces: photo, box in the original's pixels, confirmed (placed by the user), expression, age")
            .Produces<LibraryPersonDetail>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        Decision(people.MapPut("/{id}/name", (LibraryServices services, string id, HttpRequest request, CancellationToken ct) =>
                DecideAsync(services, id, request, PeopleRequests.Name, (people, person, body) => people.NameAsync(person, body.Name, ct), ct)),
            "LibraryNamePerson", "Names or renames a person: body {\"name\": \"...\"}; their current faces become confirmed", typeof(NameRequest));

        Decision(people.MapPost("/{id}/merge", (LibraryServices services, string id, HttpRequest request, CancellationToken ct) =>
                DecideAsync(services, id, request, PeopleRequests.Merge, (people, person, body) => people.MergeAsync(person, body.People, ct), ct)),
            "LibraryMergePeople", "Merges people into this one: body {\"people\": [ids]}; 409 when two of their faces share a photo", typeof(MergeRequest));

        Decision(people.MapPost("/{id}/split", (LibraryServices services, string id, HttpRequest request, CancellationToken ct) =>
                DecideAsync(services, id, request, PeopleRequests.Split, (people, person, body) => people.SplitAsync(person, body.Faces, body.To, body.Name, ct), ct)),
            "LibrarySplitPerson", "Moves faces of this person to another (\"to\") or to a new person (named \"name\" when given): body {\"faces\": [ids], \"to\"?: id, \"name\"?: \"...\"}; answers the person they went to",
            typeof(SplitRequest));

        Decision(people.MapPost("/{id}/reject", (LibraryServices services, string id, HttpRequest request, CancellationToken ct) =>
                DecideAsync(services, id, request, PeopleRequests.Reject, (people, person, body) => people.RejectAsync(person, body.Faces, ct), ct)),
            "LibraryRejectFaces", "\"Not this person\": body {\"faces\": [ids]}; the faces leave the person and never join them again", typeof(RejectRequest));

        Decision(people.MapPut("/{id}/hidden", (LibraryServices services, string id, HttpRequest request, CancellationToken ct) =>
                DecideAsync(services, id, request, PeopleRequests.Hidden, (people, person, body) => people.HideAsync(person, body.Hidden, ct), ct)),
            "LibraryHidePerson", "Hides or shows a person: body {\"hidden\": true|false}", typeof(HiddenRequest));

        Decision(people.MapPut("/{id}/cover", (LibraryServices services, string id, HttpRequest request, CancellationToken ct) =>
                DecideAsync(services, id, request, PeopleRequests.Cover, (people, person, body) => people.SetCoverAsync(person, body.Face, ct), ct)),
            "LibraryPersonCover", "Chooses the face shown for a person: body {\"face\": id}, one of their faces", typeof(CoverRequest));

        var faces = app.MapGroup("/v1/library/faces").WithTags("people");

        faces.MapGet("/unassigned", async (LibraryServices services, string? limit, CancellationToken ct) =>
            {
                var library = await services.LibraryAsync(ct).ConfigureAwait(false);
                var count = PeopleRequests.Limit(limit);
                return await library.People.GetUnassignedAsync(count, ct).ConfigureAwait(false);
            })
            .WithName("LibraryUnassignedFaces")
            .WithSummary("Faces in no person, newest photos first: seen once or kept apart (unassigned), too poor to identify (tooPoor gives the reasons), or without a descriptor")
            .WithDescription($"Query: limit (1-{PeopleRequests.MaxLimit}, default {PeopleRequests.DefaultLimit}).")
            .Produces<IReadOnlyList<PersonFace>>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        Decision(faces.MapPost("/assign", async (LibraryServices services, HttpRequest request, CancellationToken ct) =>
                {
                    var library = await services.LibraryAsync(ct).ConfigureAwait(false);
                    var body = PeopleRequests.Assign(await PeopleRequests.BodyAsync(request, ct).ConfigureAwait(false));
                    return await library.People.AssignAsync(body.Faces, body.To, body.Name, ct).ConfigureAwait(false);
                }),
            "LibraryAssignFaces", "\"This face is ...\": gives faces (unassigned, too poor, or another person's) to a person (\"to\") or to a new one (\"name\"): body {\"faces\": [ids], \"to\"?: id, \"name\"?: \"...\"}, one of to and name; answers the person; 409 when the person already has a face in one of their photos",
            typeof(AssignRequest));

        faces.MapGet("/{id}/thumbnail", async (HttpContext context, LibraryServices services, string id, string? size, CancellationToken ct) =>
            {
                var library = await services.LibraryAsync(ct).ConfigureAwait(false);
                var faceId = PeopleRequests.Id(id, "face id");
                var pixels = PeopleRequests.ThumbnailSize(size);
                var (photo, face) = await FindFaceAsync(library, faceId, ct).ConfigureAwait(false)
                    ?? throw new ApiProblemException(StatusCodes.Status404NotFound, "face_not_found",
                        $"the library has no face {faceId}; GET /v1/library/people/{{id}} and /v1/library/faces/unassigned list them");
                // A video's face is cut from the frame its track saw it best in, a photo's from the photo's preview.
                var preview = face.FrameTime is null ? library.Thumbnails.PathOf(photo.ContentHash, ThumbnailSize.Preview)
                    : library.Thumbnails.FramePathOf(photo.ContentHash, face.Index);
                if (!File.Exists(preview))
                    throw new ApiProblemException(StatusCodes.Status404NotFound, "thumbnail_not_found", face.FrameTime is null
                        ? $"the preview thumbnail of photo {photo.Id}, which face {faceId} is cut from, is not written yet; the library's scan writes it"
                        : $"the frame of video {photo.Id} that face {faceId} is cut from is missing; scanning the video again writes it");
                var tag = EntityTag(photo, face, library.Thumbnails.Settings.PreviewThumbnail, pixels);
                context.Response.Headers.CacheControl = ImmutableCaching;
                if (context.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Contains(tag, StringComparison.Ordinal)))
                    return Results.StatusCode(StatusCodes.Status304NotModified);
                var jpeg = FaceThumbnail.Render(preview, face.X, face.Y, face.Width, face.Height, photo.Width, photo.Height, pixels);
                return Results.File(jpeg, "image/jpeg", entityTag: new EntityTagHeaderValue(tag));
            })
            .WithName("LibraryFaceThumbnail")
            .WithSummary("A square JPEG of one face with a margin, cut from its photo's preview thumbnail: size pixels a side")
            .WithDescription($"Query: size ({FaceThumbnail.MinSize}-{FaceThumbnail.MaxSize}, default {FaceThumbnail.DefaultSize}). "
                + "Served with an ETag (If-None-Match answers 304) and Cache-Control immutable; 404 face_not_found for an unknown face, thumbnail_not_found before the scan has written the preview.")
            .Produces(StatusCodes.Status200OK, null, "image/jpeg").Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>A decision's OpenAPI description: its body, the person it answers with, and its problems.</summary>
    private static void Decision(RouteHandlerBuilder endpoint, string name, string summary, Type body) =>
        endpoint.WithName(name).WithSummary(summary)
            .Accepts(body, "application/json")
            .Produces<PersonSummary>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .DisableAntiforgery();

    /// <summary>A decision about one person: the library (404 <c>no_library</c> without one), then the id, then the body are read, each checked before the next.</summary>
    private static async Task<PersonSummary> DecideAsync<T>(LibraryServices services, string id, HttpRequest request, Func<JsonElement, T> read,
        Func<PeopleService, long, T, Task<PersonSummary>> decide, CancellationToken ct)
    {
        var library = await services.LibraryAsync(ct).ConfigureAwait(false);
        var personId = PeopleRequests.Id(id, "person id");
        var body = read(await PeopleRequests.BodyAsync(request, ct).ConfigureAwait(false));
        return await decide(library.People, personId, body).ConfigureAwait(false);
    }

    /// <summary>
    /// The face with this id and its photo: the box and the photo's size come from the photo's stored faces (the
    /// detected face of that index: people are made of detected faces only, and an imported region may share the index).
    /// </summary>
    private static async Task<(PhotoRow Photo, FaceRecord Face)?> FindFaceAsync(PhotoLibrary library, long faceId, CancellationToken ct)
    {
        if (await library.People.GetFaceAsync(faceId, ct).ConfigureAwait(false) is not { } assignment)
            return null;
        var detail = await library.Store.GetPhotoAsync(assignment.PhotoId, ct).ConfigureAwait(false);
        var face = detail?.Faces.FirstOrDefault(f => f.Index == assignment.Index && f.Origin == FaceOrigin.Detected);
        return detail is null || face is null ? null : (detail.Photo, face);
    }

    /// <summary>Names what the bytes are made of, so that a re-analysed face (its box moved) or another preview size is another tag.</summary>
    private static string EntityTag(PhotoRow photo, FaceRecord face, int previewPixels, int size)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"{photo.ContentHash}|{face.X:R},{face.Y:R},{face.Width:R},{face.Height:R}|{face.FrameTime:R}|{previewPixels}|{size}");
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        return $"\"face-{digest}-{size}\"";
    }
}
