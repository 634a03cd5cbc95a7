using System.Net;
using System.Text;

namespace Sightline.Server.Errors;

/// <summary>
/// Every problem code the API answers with, and the page that explains them: a problem's <c>type</c> is
/// an anchor on that page, which this server itself serves.
/// </summary>
public static class ProblemTypes
{
    public const string PagePath = "/docs/errors";

    /// <summary>The problem <c>type</c> URI of <paramref name="code"/>, relative to the server.</summary>
    public static string UriOf(string code) => $"{PagePath}#{AnchorOf(code)}";

    public static string AnchorOf(string code) => "error-" + code;

    /// <summary>Code, HTTP status (0 where it varies) and what the client can do about it.</summary>
    public static IReadOnlyList<(string Code, int Status, string Meaning)> All { get; } =
    [
        ("malformed_request", 400, "The request could not be read: a cut-off multipart body or malformed form data. Send the request again, complete."),
        ("bad_field", 400, "A path id or a field of the JSON body is missing or malformed (not JSON, the wrong type, an id that is not a positive whole number); the detail names it."),
        ("people_invalid", 400, "A people request that cannot be done as sent: an empty name, no faces named, a face that is not the person's; the detail says which."),
        ("bad_query", 400, "The search query is malformed: an unknown key, a value of the wrong form, or terms that conflict; the problem's position is where the fault starts (0-based) and query is the text sent."),
        ("empty_image", 400, "The uploaded image has no bytes."),
        ("truncated_image", 400, "The image ends early: the upload or the file was cut short."),
        ("corrupt_image", 400, "The image cannot be decoded: its data is invalid, or its header declares an impossible size."),
        ("unauthorized", 401, "An API key is required: send it in the X-Api-Key header or as a Bearer token."),
        ("sign_in_required", 401, "Sign in (POST /v1/auth/login) or send an API key: this server does not answer strangers."),
        ("sign_in_failed", 401, "The account name or the password is wrong (which of the two is not said)."),
        ("too_many_sign_ins", 429, "Too many sign-in attempts from this address: wait a minute."),
        ("forbidden", 403, "A viewer's account only browses: changing the library or its people needs an owner."),
        ("csrf_token_invalid", 403, "A state-changing call of a signed-in session must carry the session's token in X-CSRF-Token (GET /v1/auth/me gives it)."),
        ("no_accounts", 404, "The server has no library, so nobody can sign in; programs use an API key."),
        ("not_found", 404, "No endpoint at this path; the OpenAPI document lists them."),
        ("video_job_not_found", 404, "No video job with this id: it never existed, or it finished long enough ago that the server let it go."),
        ("image_not_found", 404, "The image file does not exist, is a folder or cannot be opened."),
        ("unknown_model", 404, "No model of this name in the catalog; GET /v1/models lists them."),
        ("unknown_index", 404, "The server has no similarity index of this name (start it with --index name=path)."),
        ("not_in_index", 404, "The index holds no image at this path."),
        ("unknown_classifier", 404, "The server has no classifier of this name (start it with --classifier name=path.sightline)."),
        ("unknown_person", 404, "Nobody of this name is enrolled in the face gallery."),
        ("unknown_face", 404, "The face gallery has no face with this id."),
        ("no_library", 404, "The server serves no photo library: start it with 'sightline serve --library <folder>'."),
        ("photo_not_found", 404, "The photo library has no photo with this id; GET /v1/library/photos lists the ids."),
        ("people_not_found", 404, "The photo library has no person or face with this id, or no person of this name; GET /v1/library/people?all=true lists the people."),
        ("face_not_found", 404, "The photo library has no face with this id."),
        ("thumbnail_not_found", 404, "The photo's thumbnail (or the preview a face thumbnail is cut from) is not written yet: the library's scan writes it."),
        ("photo_offline", 404, "None of the photo's paths holds its file any more (moved or deleted since the last scan); its details and thumbnails are still served."),
        ("method_not_allowed", 405, "The endpoint exists but does not accept this HTTP method."),
        ("gallery_conflict", 409, "The change conflicts with the face gallery's current state."),
        ("scan_running", 409, "A library scan is already running; GET /v1/library/status shows its progress."),
        ("people_conflict", 409, "The change would break a rule of the library's people: merging people whose faces share a photo, a person into themselves, a name another person has."),
        ("video_job_finished", 409, "The video job has already finished; there is nothing to cancel."),
        ("name_taken", 409, "Another person in the face gallery already has this name."),
        ("body_too_large", 413, "The request body is larger than the server accepts (--max-upload-mb)."),
        ("video_too_large", 413, "The video is larger than the server accepts (--max-video-mb), or its frames have more pixels than the image limit."),
        ("image_too_large", 413, "The image file is larger than the server's limit."),
        ("image_too_many_pixels", 413, "The image has more pixels than the server's limit; it is refused from its header, before decoding."),
        ("unsupported_media_type", 415, "The content type is not accepted: send multipart/form-data (field 'image'), image/* or application/octet-stream."),
        ("unsupported_image_format", 415, "The bytes are an image format the decoder does not read; send JPEG, PNG, WebP, GIF or BMP."),
        ("bad_parameter", 422, "A query parameter or form field is out of range or does not apply; the detail names it."),
        ("search_unknown", 422, "The search query is well formed but names something the library does not have, such as a person; GET /v1/library/people?all=true lists the people."),
        ("not_a_video", 422, "The upload is not a video ffmpeg can read: another kind of file, a photo, or a video cut before its index."),
        ("no_video_stream", 422, "The file holds no video stream (audio only, or only cover art)."),
        ("no_frames", 422, "The video stream has no frame that can be decoded."),
        ("video_truncated", 422, "The video ends before the end its container declares: the upload or the file was cut short."),
        ("video_decode_failed", 422, "ffmpeg failed while decoding the video; the detail quotes it."),
        ("no_face", 422, "The image has no face to work on."),
        ("gallery_model_mismatch", 422, "The face gallery was built with another descriptor model than the one asked for."),
        ("not_a_detector", 422, "The named model is not an object detector this server can decode."),
        ("not_a_face_model", 422, "The named model is not a face model this server can use for the request."),
        ("video_queue_full", 429, "The server's video queue is full. Retry after the Retry-After header's seconds."),
        ("queue_full", 429, "The server is busy: its inference queue is full. Retry after the Retry-After header's seconds."),
        ("http_error", 0, "Another HTTP error without a more specific code; the status and detail say which."),
        ("internal_error", 500, "The server failed to process the request; its log holds the cause."),
        ("model_unavailable", 503, "The model cannot be fetched, verified or loaded on the server."),
        ("index_unavailable", 503, "The similarity index cannot be opened or does not match its model."),
        ("classifier_unavailable", 503, "The classifier file cannot be loaded."),
        ("gallery_unavailable", 503, "The face gallery cannot be opened."),
        ("library_unavailable", 503, "The photo library cannot be opened or read: its database is missing, locked, unreachable or of a newer version."),
        ("ffmpeg_missing", 503, "The server cannot run ffmpeg, which reads videos: install Debian's ffmpeg package on the server."),
        ("not_ready", 503, "The server is not ready: a configured index is missing."),
    ];

    /// <summary>The error reference page: one row per code, each with its anchor.</summary>
    public static string RenderPage()
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sightline API errors</title>")
            .Append("<link rel=\"stylesheet\" href=\"/app.css\"></head><body><main>")
            .Append("<h1>Sightline API errors</h1>")
            .Append("<p>Every error is answered as <code>application/problem+json</code> (RFC 9457) with a stable <code>code</code>; ")
            .Append("its <code>type</code> links to the code's row below. See also the <a href=\"/docs/\">API docs</a>.</p>")
            .Append("<table><thead><tr><th>code</th><th>status</th><th>meaning</th></tr></thead><tbody>");
        foreach (var (code, status, meaning) in All.OrderBy(e => e.Status).ThenBy(e => e.Code, StringComparer.Ordinal))
            html.Append($"<tr id=\"{AnchorOf(code)}\"><td><code>{WebUtility.HtmlEncode(code)}</code></td><td>{(status == 0 ? "varies" : status.ToString(System.Globalization.CultureInfo.InvariantCulture))}</td><td>{WebUtility.HtmlEncode(meaning)}</td></tr>");
        html.Append("</tbody></table></main></body></html>");
        return html.ToString();
    }
}
