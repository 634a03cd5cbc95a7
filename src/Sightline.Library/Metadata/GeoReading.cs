using System.Globalization;
using System.Text.RegularExpressions;

namespace Sightline.Library.Metadata;

/// <summary>Checks positions before they are kept and parses the XMP form of GPS coordinates.</summary>
internal static partial class GeoReading
{
    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)(?:\s*,\s*(\d+(?:\.\d+)?))?\s*([NSEWnsew])\s*$")]
    private static partial Regex XmpCoordinatePattern();

    /// <summary>A position when it is on the earth and not the 0, 0 that unset GPS fields give; otherwise null with a warning.</summary>
    public static GeoPoint? Validate(double latitude, double longitude, double? altitude, string label, ICollection<string> warnings)
    {
        if (!double.IsFinite(latitude) || !double.IsFinite(longitude) || Math.Abs(latitude) > 90 || Math.Abs(longitude) > 180)
        {
            warnings.Add($"{label} position {latitude.ToString(CultureInfo.InvariantCulture)}, {longitude.ToString(CultureInfo.InvariantCulture)} is out of range (ignored)");
            return null;
        }
        if (latitude == 0 && longitude == 0)
        {
            warnings.Add($"{label} position 0, 0 is what empty GPS fields read as (ignored)");
            return null;
        }
        // Altitudes outside what a camera can reach (a damaged rational, a missing denominator) are dropped, the position kept.
        if (altitude is { } a && (!double.IsFinite(a) || a < -12_000 || a > 100_000))
        {
            warnings.Add($"{label} altitude {a.ToString(CultureInfo.InvariantCulture)} m is out of range (ignored)");
            altitude = null;
        }
        return new GeoPoint(latitude, longitude, altitude);
    }

    /// <summary>An XMP GPS coordinate, "DDD,MM.mmk" or "DDD,MM,SSk" with k one of N, S, E, W, in signed degrees.</summary>
    public static double? ParseXmpCoordinate(string? raw)
    {
        if (raw is null)
            return null;
        var match = XmpCoordinatePattern().Match(raw);
        if (!match.Success)
            return null;
        double Part(int group) => match.Groups[group].Success ? double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        var degrees = Part(1) + Part(2) / 60 + Part(3) / 3600;
        return match.Groups[4].Value.ToUpperInvariant() is "S" or "W" ? -degrees : degrees;
    }
}
