using System.Globalization;
using System.Text.RegularExpressions;

namespace Sightline.Library.Metadata;

/// <summary>A date taken that one source gave: the clock time, its UTC offset when known, and where it came from.</summary>
internal readonly record struct DateCandidate(DateTime Clock, TimeSpan? Offset, MetadataSource Source);

/// <summary>Parses the date formats of EXIF, XMP, IPTC and refuses dates no camera could have taken.</summary>
internal static partial class MetadataDates
{
    /// <summary>How far past "now" a date may be before it counts as a wrong clock rather than a time-zone difference.</summary>
    private static readonly TimeSpan FutureTolerance = TimeSpan.FromDays(1);

    [GeneratedRegex(@"^\s*(\d{4})[:\-](\d{1,2})[:\-](\d{1,2})[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?")]
    private static partial Regex ExifPattern();

    [GeneratedRegex(@"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+\-]\d{1,2}:?\d{2})?\s*$")]
    private static partial Regex XmpPattern();

    [GeneratedRegex(@"^\s*([+\-])(\d{1,2}):?(\d{2})\s*$")]
    private static partial Regex OffsetPattern();

    /// <summary>An EXIF date "yyyy:MM:dd HH:mm:ss" (sub-seconds ignored) with its OffsetTime* value when present.</summary>
    public static DateCandidate? FromExif(string? raw, string? offsetRaw, string label, MetadataSource source, DateTime utcNow, ICollection<string> warnings)
    {
        if (IsBlank(raw))
            return null;
        var match = ExifPattern().Match(raw!);
        if (!match.Success)
        {
            warnings.Add($"{label} '{raw!.Trim()}' is not a date (ignored)");
            return null;
        }
        var clock = Compose(match, label, raw!, warnings);
        if (clock is null)
            return null;
        var offset = ParseOffset(offsetRaw, label, warnings);
        return Plausible(new DateCandidate(clock.Value, offset, source), label, raw!, utcNow, warnings);
    }

    /// <summary>An XMP (ISO 8601) date: date only, date and time, with or without a zone.</summary>
    public static DateCandidate? FromXmp(string? raw, string label, MetadataSource source, DateTime utcNow, ICollection<string> warnings)
    {
        if (IsBlank(raw))
            return null;
        var match = XmpPattern().Match(raw!);
        if (!match.Success)
        {
            warnings.Add($"{label} '{raw!.Trim()}' is not a date (ignored)");
            return null;
        }
        var clock = Compose(match, label, raw!, warnings);
        if (clock is null)
            return null;
        var zone = match.Groups[7];
        TimeSpan? offset = !zone.Success ? null : zone.Value == "Z" ? TimeSpan.Zero : ParseOffset(zone.Value, label, warnings);
        return Plausible(new DateCandidate(clock.Value, offset, source), label, raw!, utcNow, warnings);
    }

    /// <summary>IPTC DateCreated "yyyyMMdd" with TimeCreated "HHmmss±HHmm" (both IIM forms, with or without separators).</summary>
    public static DateCandidate? FromIptc(string? date, string? time, DateTime utcNow, ICollection<string> warnings)
    {
        const string label = "IPTC date created";
        if (date is null || IsBlank(date))
            return null;
        var digits = new string(date.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length != 8)
        {
            warnings.Add($"{label} '{date.Trim()}' is not a date (ignored)");
            return null;
        }
        int hour = 0, minute = 0, second = 0;
        TimeSpan? offset = null;
        if (!IsBlank(time))
        {
            var t = time!.Trim();
            var zoneAt = t.IndexOfAny(['+', '-'], 1);
            var clockDigits = new string((zoneAt > 0 ? t[..zoneAt] : t).Where(char.IsAsciiDigit).ToArray());
            if (clockDigits.Length >= 4)
            {
                hour = int.Parse(clockDigits[..2], CultureInfo.InvariantCulture);
                minute = int.Parse(clockDigits[2..4], CultureInfo.InvariantCulture);
                second = clockDigits.Length >= 6 ? int.Parse(clockDigits[4..6], CultureInfo.InvariantCulture) : 0;
            }
            if (zoneAt > 0)
                offset = ParseOffset(t[zoneAt..], label, warnings);
        }
        var year = int.Parse(digits[..4], CultureInfo.InvariantCulture);
        var month = int.Parse(digits[4..6], CultureInfo.InvariantCulture);
        var day = int.Parse(digits[6..8], CultureInfo.InvariantCulture);
        var raw = $"{date.Trim()} {time?.Trim()}".Trim();
        if (!TryMake(year, month, day, hour, minute, second, out var clock))
        {
            warnings.Add($"{label} '{raw}' is not a valid date (ignored)");
            return null;
        }
        return Plausible(new DateCandidate(clock, offset, MetadataSource.Iptc), label, raw, utcNow, warnings);
    }

    /// <summary>A time every source agrees on (QuickTime's UTC creation time, Takeout's UTC timestamp), checked like the others.</summary>
    public static DateCandidate? FromUtc(DateTime utc, string label, MetadataSource source, DateTime utcNow, ICollection<string> warnings) =>
        Plausible(new DateCandidate(DateTime.SpecifyKind(utc, DateTimeKind.Unspecified), TimeSpan.Zero, source), label,
            utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC", utcNow, warnings);

    /// <summary>"+01:00", "-0500", "+5:30"; null for blank; a warning for anything else or beyond ±14 h.</summary>
    public static TimeSpan? ParseOffset(string? raw, string label, ICollection<string> warnings)
    {
        if (IsBlank(raw))
            return null;
        var match = OffsetPattern().Match(raw!);
        if (match.Success)
        {
            var hours = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            var minutes = int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture);
            if (hours <= 14 && minutes < 60)
            {
                var offset = new TimeSpan(hours, minutes, 0);
                return match.Groups[1].Value == "-" ? -offset : offset;
            }
        }
        warnings.Add($"{label} time zone '{raw!.Trim()}' is not a UTC offset (ignored)");
        return null;
    }

    private static DateTime? Compose(Match match, string label, string raw, ICollection<string> warnings)
    {
        int Part(int group) => match.Groups[group].Success ? int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        if (TryMake(Part(1), Part(2), Part(3), Part(4), Part(5), Part(6), out var clock))
            return clock;
        warnings.Add($"{label} '{raw.Trim()}' is not a valid date (ignored)");
        return null;
    }

    private static bool TryMake(int year, int month, int day, int hour, int minute, int second, out DateTime clock)
    {
        clock = default;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;
        clock = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        return true;
    }

    private static DateCandidate? Plausible(DateCandidate candidate, string label, string raw, DateTime utcNow, ICollection<string> warnings)
    {
        // Without an offset the clock may be up to 14 h ahead of UTC; the one-day tolerance covers that.
        var asUtc = candidate.Offset is { } offset ? candidate.Clock - offset : candidate.Clock;
        if (asUtc > utcNow + FutureTolerance)
        {
            warnings.Add($"{label} '{raw.Trim()}' is in the future (ignored)");
            return null;
        }
        return candidate;
    }

    /// <summary>Empty, spaces, or the "    :  :     :  :  " cameras write when the clock was never set: no date, nothing wrong.</summary>
    private static bool IsBlank(string? raw) => string.IsNullOrWhiteSpace(raw) || raw.All(c => c is ' ' or ':' or '\0' or '-' or 'T');
}
