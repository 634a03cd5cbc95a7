using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sightline.Library.People;
using Sightline.Library.Thumbnails;
using Sightline.Server.Errors;

namespace Sightline.Server.Api;

/// <summary>PUT /v1/library/people/{id}/name.</summary>
public sealed record NameRequest(string Name);

/// <summary>POST /v1/library/people/{id}/merge: the people merged into the one of the path.</summary>
public sealed record MergeRequest(IReadOnlyList<long> People);

/// <summary>POST /v1/library/people/{id}/split: the faces that leave, and the person they go to (none: a new one, named when <see cref="Name"/> is given).</summary>
public sealed record SplitRequest(IReadOnlyList<long> Faces, long? To = null, string? Name = null);

/// <summary>POST /v1/library/faces/assign: faces and the person they go to (<see cref="To"/>), or the name of a new one.</summary>
public sealed record AssignRequest(IReadOnlyList<long> Faces, long? To = null, string? Name = null);

/// <summary>POST /v1/library/people/{id}/reject: the faces that are not this person.</summary>
public sealed record RejectRequest(IReadOnlyList<long> Faces);

/// <summary>PUT /v1/library/people/{id}/hidden.</summary>
public sealed record HiddenRequest(bool Hidden);

/// <summary>PUT /v1/library/people/{id}/cover: one of the person's faces.</summary>
public sealed record CoverRequest(long Face);

/// <summary>
/// What the people endpoints read from a request, checked before the library is touched: an id or a body field that
/// is missing or malformed is a 400 <c>bad_field</c> naming it; a query value out of range is a 422 <c>bad_parameter</c>,
/// as for the other library endpoints.
/// </summary>
public static class PeopleRequests
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>The most bytes a decision's JSON body may have: a few thousand face ids.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>An id of the path ("person id", "face id"): a positive whole number.</summary>
    public static long Id(string value, string field)
    {
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            return id;
        throw BadField($"{field} '{Quote(value)}' is not an id: ids are positive whole numbers");
    }

    public static PeopleQuery Query(string? all, string? named) =>
        new(IncludeHidden: Flag(all, "all"), NamedOnly: Flag(named, "named"));

    public static int Limit(string? limit)
    {
        if (limit is null)
            return DefaultLimit;
        if (!int.TryParse(limit, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var value) || value is < 1 or > MaxLimit)
            throw ApiProblem.BadParameter($"limit '{Quote(limit)}' is not a whole number from 1 to {MaxLimit} (default {DefaultLimit})");
        return value;
    }

    /// <summary>The side of a face thumbnail in pixels.</summary>
    public static int ThumbnailSize(string? size)
    {
        if (size is null)
            return FaceThumbnail.DefaultSize;
        if (!int.TryParse(size, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var value)
            || value is < FaceThumbnail.MinSize or > FaceThumbnail.MaxSize)
            throw ApiProblem.BadParameter($"size '{Quote(size)}' is not a whole number of pixels from {FaceThumbnail.MinSize} to {FaceThumbnail.MaxSize} (default {FaceThumbnail.DefaultSize})");
        return value;
    }

    public static NameRequest Name(JsonElement body) => new(String(body, "name", required: true)!);

    public static MergeRequest Merge(JsonElement body) => new(Ids(body, "people"));

    public static SplitRequest Split(JsonElement body) => new(Ids(body, "faces"), OptionalId(body, "to"), String(body, "name", required: false));

    public static AssignRequest Assign(JsonElement body) => new(Ids(body, "faces"), OptionalId(body, "to"), String(body, "name", required: false));

    public static RejectRequest Reject(JsonElement body) => new(Ids(body, "faces"));

    public static HiddenRequest Hidden(JsonElement body) => Field(body, "hidden") switch
    {
        { ValueKind: JsonValueKind.True } => new(true),
        { ValueKind: JsonValueKind.False } => new(false),
        null => throw BadField("the body has no 'hidden': send {\"hidden\": true} or {\"hidden\": false}"),
        _ => throw BadField("'hidden' must be true or false"),
    };

    public static CoverRequest Cover(JsonElement body) =>
        new(OptionalId(body, "face") ?? throw BadField("the body has no 'face': send {\"face\": <face id>}"));

    /// <summary>The request's body as a JSON object; a body that is empty, not JSON or not an object is a <c>bad_field</c> naming the body.</summary>
    public static async Task<JsonElement> BodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
            throw BadField($"the body is {request.ContentLength} bytes; at most {MaxBodyBytes} are accepted");
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                throw BadField($"the body is larger than {MaxBodyBytes} bytes");
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
            throw BadField("the body is empty: send a JSON object");
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw BadField($"the body is not JSON: {e.Message}");
        }
        return root.ValueKind == JsonValueKind.Object ? root : throw BadField($"the body is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object");
    }

    private static bool Flag(string? value, string parameter) => value?.Trim().ToLowerInvariant() switch
    {
        null or "false" or "0" => false,
        "true" or "1" or "" => true,
        _ => throw ApiProblem.BadParameter($"{parameter} '{Quote(value)}' is not true or false"),
    };

    /// <summary>The field by its name (case-insensitive, as the server's JSON binding reads bodies); null when absent or null.</summary>
    private static JsonElement? Field(JsonElement body, string name)
    {
        foreach (var property in body.EnumerateObject())
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                return property.Value.ValueKind == JsonValueKind.Null ? null : property.Value;
        return null;
    }

    private static string? String(JsonElement body, string name, bool required) => Field(body, name) switch
    {
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        null when required => throw BadField($"the body has no '{name}': send {{\"{name}\": \"...\"}}"),
        null => null,
        _ => throw BadField($"'{name}' must be a string"),
    };

    private static long? OptionalId(JsonElement body, string name) => Field(body, name) switch
    {
        null => null,
        { } value when IdOf(value) is { } id => id,
        _ => throw BadField($"'{name}' must be an id (a positive whole number)"),
    };

    private static IReadOnlyList<long> Ids(JsonElement body, string name)
    {
        if (Field(body, name) is not { ValueKind: JsonValueKind.Array } array)
            throw BadField(Field(body, name) is null
                ? $"the body has no '{name}': send {{\"{name}\": [ids]}}"
                : $"'{name}' must be an array of ids");
        var ids = new List<long>();
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            ids.Add(IdOf(item) ?? throw BadField($"{name}[{i}] is not an id (a positive whole number)"));
            i++;
        }
        return ids.Count > 0 ? ids : throw BadField($"'{name}' is empty: name at least one");
    }

    private static long? IdOf(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var id) && id > 0 ? id : null;

    private static ApiProblemException BadField(string detail) => new(StatusCodes.Status400BadRequest, "bad_field", detail);

    private static string Quote(string value)
    {
        var line = value.ReplaceLineEndings(" ");
        return line.Length <= 80 ? line : line[..80] + "...";
    }
}
