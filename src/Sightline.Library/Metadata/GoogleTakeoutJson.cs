using System.Globalization;
using System.Text.Json;

namespace Sightline.Library.Metadata;

/// <summary>What a Google Takeout (Google Photos export) JSON sidecar says.</summary>
internal sealed record TakeoutFacts(DateCandidate? TakenAt, GeoPoint? Location, string? Title, string? Description);

/// <summary>Reads Google Takeout JSON sidecars; other JSON (exiftool dumps, app settings) is recognised and left alone.</summary>
internal static class GoogleTakeoutJson
{
    /// <summary>The facts, or null when the JSON is not Takeout's (said in a warning when it is not JSON at all).</summary>
    public static TakeoutFacts? Read(byte[] json, string label, string photoFileName, DateTime utcNow, ICollection<string> warnings)
    {
        // The JSON reader checks the structure, not the bytes inside strings, which are decoded only when read.
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            warnings.Add($"{label} is not valid JSON: it is not UTF-8 text");
            return null;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            warnings.Add($"{label} is not valid JSON: {ex.Message}");
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !(root.TryGetProperty("photoTakenTime", out _) || root.TryGetProperty("geoData", out _) || root.TryGetProperty("creationTime", out _)))
            {
                warnings.Add($"{label} is not a Google Takeout sidecar (not read)");
                return null;
            }
            var title = MetadataText.Clean(String(root, "title"));
            // Takeout's title is the uploaded file name unless the user renamed the photo.
            if (title is not null && string.Equals(title, photoFileName, StringComparison.OrdinalIgnoreCase))
                title = null;
            return new TakeoutFacts(
                TakenAt(root, label, utcNow, warnings),
                Location(root, "geoDataExif", label, warnings) ?? Location(root, "geoData", label, warnings),
                title,
                MetadataText.Clean(String(root, "description")));
        }
    }

    private static DateCandidate? TakenAt(JsonElement root, string label, DateTime utcNow, ICollection<string> warnings)
    {
        if (!root.TryGetProperty("photoTakenTime", out var taken) || taken.ValueKind != JsonValueKind.Object)
            return null;
        var raw = String(taken, "timestamp");
        if (raw is null)
            return null;
        if (!long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            || seconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            warnings.Add($"{label} photoTakenTime.timestamp '{raw}' is not Unix seconds (ignored)");
            return null;
        }
        // Takeout writes 0 for photos it has no date for.
        if (seconds == 0)
            return null;
        return MetadataDates.FromUtc(DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime, $"{label} photoTakenTime", MetadataSource.GoogleTakeout, utcNow, warnings);
    }

    private static GeoPoint? Location(JsonElement root, string property, string label, ICollection<string> warnings)
    {
        if (!root.TryGetProperty(property, out var geo) || geo.ValueKind != JsonValueKind.Object)
            return null;
        var latitude = Number(geo, "latitude");
        var longitude = Number(geo, "longitude");
        if (latitude is null || longitude is null)
            return null;
        // Takeout fills geoData with zeros when the photo has no place: absent, not a warning.
        if (latitude == 0 && longitude == 0)
            return null;
        var altitude = Number(geo, "altitude");
        return GeoReading.Validate(latitude.Value, longitude.Value, altitude == 0 ? null : altitude, $"{label} {property}", warnings);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) ? number : null;
}
