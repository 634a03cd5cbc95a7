using System.Globalization;
using Microsoft.AspNetCore.Http;
using Sightline.Library;
using Sightline.Library.Thumbnails;
using Sightline.Server.Errors;

namespace Sightline.Server.Api;

/// <summary>
/// What the /v1/library endpoints read from a request, checked before the library is touched: a bad value is a
/// 422 <c>bad_parameter</c> naming the parameter, an id that cannot name a photo a 404 <c>photo_not_found</c>.
/// </summary>
public static class LibraryRequests
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    /// <summary>The <c>order</c> values and the order each means.</summary>
    public static IReadOnlyList<(string Name, PhotoOrder Order)> Orders { get; } =
    [
        ("taken-desc", PhotoOrder.TakenDescending),
        ("taken-asc", PhotoOrder.TakenAscending),
        ("added-desc", PhotoOrder.AddedDescending),
    ];

    /// <summary>The <c>kind</c> values.</summary>
    public static IReadOnlyList<(string Name, MediaKind Kind)> Kinds { get; } = [("photo", MediaKind.Photo), ("video", MediaKind.Video)];

    /// <summary>The <c>size</c> values of a thumbnail.</summary>
    public static IReadOnlyList<(string Name, ThumbnailSize Size)> Sizes { get; } = [("small", ThumbnailSize.Small), ("preview", ThumbnailSize.Preview)];

    /// <summary>The page query of GET /v1/library/photos; absent values take their defaults.</summary>
    public static PhotoQuery PageQuery(string? limit, string? cursor, string? order, string? kind) => new(
        Limit: Limit(limit),
        Cursor: string.IsNullOrWhiteSpace(cursor) ? null : cursor.Trim(),
        Order: order is null ? PhotoOrder.TakenDescending : Choose(Orders, order, "order"),
        Kind: kind is null ? null : Choose(Kinds, kind, "kind"));

    public static ThumbnailSize Size(string? size) => size is null ? ThumbnailSize.Small : Choose(Sizes, size, "size");

    /// <summary>
    /// The photo id of a path segment. Ids are positive whole numbers; anything else (a path, "..", an encoded
    /// separator) names no photo, and is never used for anything but this message.
    /// </summary>
    public static long PhotoId(string id)
    {
        if (long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
            return value;
        throw PhotoNotFound(id);
    }

    public static ApiProblemException PhotoNotFound(string id) =>
        new(StatusCodes.Status404NotFound, "photo_not_found", $"the library has no photo with id '{Quote(id)}'; ids are the 'id' values GET /v1/library/photos lists");

    /// <summary>The media type of each format the scan names (from a file's bytes, not its name).</summary>
    public static IReadOnlyDictionary<string, string> MediaTypes { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["jpeg"] = "image/jpeg",
        ["jpg"] = "image/jpeg",
        ["png"] = "image/png",
        ["gif"] = "image/gif",
        ["webp"] = "image/webp",
        ["bmp"] = "image/bmp",
        ["tiff"] = "image/tiff",
        ["tif"] = "image/tiff",
        ["heic"] = "image/heic",
        ["heif"] = "image/heif",
        ["avif"] = "image/avif",
        ["jxl"] = "image/jxl",
        ["dng"] = "image/x-adobe-dng",
        ["cr2"] = "image/x-canon-cr2",
        ["cr3"] = "image/x-canon-cr3",
        ["nef"] = "image/x-nikon-nef",
        ["arw"] = "image/x-sony-arw",
        ["orf"] = "image/x-olympus-orf",
        ["rw2"] = "image/x-panasonic-rw2",
        ["raf"] = "image/x-fuji-raf",
        ["mp4"] = "video/mp4",
        ["m4v"] = "video/x-m4v",
        ["mov"] = "video/quicktime",
        ["quicktime"] = "video/quicktime",
        ["avi"] = "video/x-msvideo",
        ["mkv"] = "video/x-matroska",
        ["matroska"] = "video/x-matroska",
        ["webm"] = "video/webm",
        ["3gp"] = "video/3gpp",
        ["mts"] = "video/mp2t",
        ["m2ts"] = "video/mp2t",
        ["mpeg"] = "video/mpeg",
        ["mpg"] = "video/mpeg",
        ["wmv"] = "video/x-ms-wmv",
    };

    /// <summary>The media type of an original file by its format; unknown formats are served as plain bytes.</summary>
    public static string MediaTypeOf(string format) => MediaTypes.GetValueOrDefault(format, "application/octet-stream");

    private static int Limit(string? limit)
    {
        if (limit is null)
            return DefaultLimit;
        if (!int.TryParse(limit, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var value))
            throw ApiProblem.BadParameter($"limit '{Quote(limit)}' is not a whole number; give 1 to {MaxLimit} (default {DefaultLimit})");
        if (value is < 1 or > MaxLimit)
            throw ApiProblem.BadParameter($"limit {value} is out of range; give 1 to {MaxLimit} (default {DefaultLimit})");
        return value;
    }

    private static T Choose<T>(IReadOnlyList<(string Name, T Value)> choices, string value, string parameter)
    {
        foreach (var (name, choice) in choices)
            if (name.Equals(value.Trim(), StringComparison.OrdinalIgnoreCase))
                return choice;
        throw ApiProblem.BadParameter($"{parameter} '{Quote(value)}' is not one of {string.Join(", ", choices.Select(c => c.Name))}");
    }

    // A value quoted back in a message: short, and on one line.
    private static string Quote(string value)
    {
        var line = value.ReplaceLineEndings(" ");
        return line.Length <= 80 ? line : line[..80] + "...";
    }
}
