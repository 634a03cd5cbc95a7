using Microsoft.AspNetCore.Http;
using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Models;
using Sightline.Vision.Similarity;

namespace Sightline.Server.Errors;

/// <summary>An error answered as RFC 7807 problem details, with a stable machine-readable code.</summary>
public sealed class ApiProblemException(int status, string code, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
}

public static class ApiProblem
{
    public static ApiProblemException BadParameter(string detail) => new(StatusCodes.Status422UnprocessableEntity, "bad_parameter", detail);

    /// <summary>The status and code for an exception thrown while serving a request.</summary>
    public static (int Status, string Code, string Detail) Classify(Exception e) => e switch
    {
        ApiProblemException p => (p.Status, p.Code, p.Message),
        // An option out of the range its options record accepts: the same values the CLI refuses with exit code 2.
        Sightline.Vision.Pipeline.TaskOptionsException bad => (StatusCodes.Status422UnprocessableEntity, "bad_parameter", bad.Message),
        // One code per kind, shared with the pipeline's per-input errors (analyze's documents).
        ImageLoadException image => (ImageErrorCodes.StatusOf(image.Kind), ImageErrorCodes.CodeOf(image.Kind), image.Message),
        Microsoft.AspNetCore.Http.BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge
            => (StatusCodes.Status413PayloadTooLarge, "body_too_large", bad.Message),
        Microsoft.AspNetCore.Http.BadHttpRequestException bad => (StatusCodes.Status400BadRequest, "malformed_request", bad.Message),
        InvalidDataException bad => (StatusCodes.Status400BadRequest, "malformed_request", bad.Message),
        IOException io when io.Message.Contains("Unexpected end", StringComparison.OrdinalIgnoreCase)
            => (StatusCodes.Status400BadRequest, "malformed_request", io.Message),
        ModelStoreException model when model.Kind == ModelStoreErrorKind.UnknownModel => (StatusCodes.Status404NotFound, "unknown_model", model.Message),
        ModelStoreException model => (StatusCodes.Status503ServiceUnavailable, "model_unavailable", model.Message),
        InferenceException inference => (StatusCodes.Status503ServiceUnavailable, "model_unavailable", inference.Message),
        IndexException index => (StatusCodes.Status503ServiceUnavailable, "index_unavailable", index.Message),
        Sightline.Faces.Descriptors.DescriptorMismatchException mismatch => (StatusCodes.Status422UnprocessableEntity, "gallery_model_mismatch", mismatch.Message),
        Sightline.Faces.Gallery.GalleryException { Kind: Sightline.Faces.Gallery.GalleryErrorKind.ModelMismatch } gallery => (StatusCodes.Status422UnprocessableEntity, "gallery_model_mismatch", gallery.Message),
        Sightline.Faces.Gallery.GalleryException { Kind: Sightline.Faces.Gallery.GalleryErrorKind.Conflict } gallery => (StatusCodes.Status409Conflict, "gallery_conflict", gallery.Message),
        Sightline.Faces.Gallery.GalleryException { Kind: Sightline.Faces.Gallery.GalleryErrorKind.Invalid } gallery => (StatusCodes.Status422UnprocessableEntity, "bad_parameter", gallery.Message),
        Sightline.Faces.Gallery.GalleryException gallery => (StatusCodes.Status503ServiceUnavailable, "gallery_unavailable", gallery.Message),
        Sightline.Library.People.PeopleException people => people.Kind switch
        {
            Sightline.Library.People.PeopleErrorKind.NotFound => (StatusCodes.Status404NotFound, "people_not_found", people.Message),
            Sightline.Library.People.PeopleErrorKind.Conflict => (StatusCodes.Status409Conflict, "people_conflict", people.Message),
            _ => (StatusCodes.Status400BadRequest, "people_invalid", people.Message),
        },
        // A query outside the search endpoint (one that names its position answers there, with it).
        Sightline.Library.Search.SearchQueryException { Kind: Sightline.Library.Search.SearchErrorKind.Unknown } unknown => (StatusCodes.Status422UnprocessableEntity, "search_unknown", unknown.Message),
        Sightline.Library.Search.SearchQueryException query => (StatusCodes.Status400BadRequest, "bad_query", query.Message),
        Sightline.Video.Decoding.VideoException video => (video.Kind switch
        {
            Sightline.Video.Decoding.VideoErrorKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
            Sightline.Video.Decoding.VideoErrorKind.ToolMissing => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status422UnprocessableEntity,
        }, video.Code, video.Kind == Sightline.Video.Decoding.VideoErrorKind.ToolMissing ? "the server cannot run ffmpeg, which reads videos" : video.Message),
        Sightline.Library.LibraryStoreException library => (StatusCodes.Status503ServiceUnavailable, "library_unavailable", library.Message),
        _ => (StatusCodes.Status500InternalServerError, "internal_error", "the server failed to process the request"),
    };

    /// <summary>The problem answer; <paramref name="extensions"/> are members beside <c>code</c> (a query's fault position, say).</summary>
    public static IResult ToResult(int status, string code, string detail, string? instance = null, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = status,
            Title = Title(status),
            Detail = detail,
            Type = ProblemTypes.UriOf(code),
            Instance = instance,
            Extensions = { ["code"] = code },
        };
        foreach (var (name, value) in extensions ?? new Dictionary<string, object?>())
            problem.Extensions[name] = value;
        return Results.Problem(problem);
    }

    private static string Title(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        409 => "Conflict",
        413 => "Payload too large",
        415 => "Unsupported media type",
        422 => "Invalid parameters",
        429 => "Too many requests",
        503 => "Service unavailable",
        _ => "Server error",
    };
}
