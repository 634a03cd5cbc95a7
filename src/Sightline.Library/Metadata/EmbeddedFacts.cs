using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Iptc;
using MetadataExtractor.Formats.QuickTime;
using MetadataExtractor.Formats.Xmp;
using XmpCore;
using Directory = MetadataExtractor.Directory;

namespace Sightline.Library.Metadata;

/// <summary>What the file itself says in EXIF, IPTC and QuickTime, with its embedded XMP packet still to read.</summary>
internal sealed record EmbeddedFacts
{
    /// <summary>Date candidates from EXIF, then IPTC, then QuickTime, best first.</summary>
    public DateCandidate? ExifDate { get; init; }
    public DateCandidate? IptcDate { get; init; }
    public DateCandidate? QuickTimeDate { get; init; }
    public string? Make { get; init; }
    public string? Model { get; init; }
    public string? Lens { get; init; }
    public GeoPoint? Location { get; init; }
    public int Orientation { get; init; } = 1;
    public string? ExifDescription { get; init; }
    public string? IptcCaption { get; init; }
    public string? IptcTitle { get; init; }
    public IReadOnlyList<string> IptcKeywords { get; init; } = [];
    public IXmpMeta? Xmp { get; init; }
}

/// <summary>Reads <see cref="EmbeddedFacts"/> from MetadataExtractor's directories.</summary>
internal static class EmbeddedFactsReader
{
    // EXIF 2.31 offset tags for DateTime, DateTimeOriginal and DateTimeDigitized.
    private const int OffsetTime = 0x9010;
    private const int OffsetTimeOriginal = 0x9011;
    private const int OffsetTimeDigitized = 0x9012;

    public static EmbeddedFacts Read(IReadOnlyList<Directory> directories, DateTime utcNow, ICollection<string> warnings)
    {
        foreach (var directory in directories)
            foreach (var error in directory.Errors)
                warnings.Add($"{BlockName(directory)} block is damaged: {error}");

        var ifd0 = directories.OfType<ExifIfd0Directory>().FirstOrDefault();
        // DNG and some TIFFs hold several EXIF sub-IFDs (raw image IFDs read as such): each tag comes from the first that has it.
        var subIfds = directories.OfType<ExifSubIfdDirectory>().ToList();
        var iptc = directories.OfType<IptcDirectory>().FirstOrDefault();
        var exifDescription = MetadataText.Clean(ifd0?.GetString(ExifDirectoryBase.TagImageDescription));
        return new EmbeddedFacts
        {
            ExifDate = ExifDate(ifd0, subIfds, utcNow, warnings),
            IptcDate = iptc is null ? null : MetadataDates.FromIptc(iptc.GetString(IptcDirectory.TagDateCreated), iptc.GetString(IptcDirectory.TagTimeCreated), utcNow, warnings),
            QuickTimeDate = QuickTimeDate(directories, utcNow, warnings),
            Make = MetadataText.Clean(ifd0?.GetString(ExifDirectoryBase.TagMake)),
            Model = MetadataText.Clean(ifd0?.GetString(ExifDirectoryBase.TagModel)),
            Lens = MetadataText.Clean(WithTag(subIfds, ExifDirectoryBase.TagLensModel)?.GetString(ExifDirectoryBase.TagLensModel)),
            Location = Location(directories.OfType<GpsDirectory>().FirstOrDefault(), warnings),
            Orientation = Orientation(ifd0, warnings),
            ExifDescription = exifDescription is not null && MetadataText.IsCameraDefaultDescription(exifDescription) ? null : exifDescription,
            IptcCaption = MetadataText.Clean(iptc?.GetString(IptcDirectory.TagCaption)),
            IptcTitle = MetadataText.Clean(iptc?.GetString(IptcDirectory.TagObjectName)),
            IptcKeywords = MetadataText.MergeKeywords(iptc?.GetStringArray(IptcDirectory.TagKeywords) ?? []),
            Xmp = directories.OfType<XmpDirectory>().Select(x => x.XmpMeta).FirstOrDefault(x => x is not null),
        };
    }

    private static DateCandidate? ExifDate(ExifIfd0Directory? ifd0, List<ExifSubIfdDirectory> subIfds, DateTime utcNow, ICollection<string> warnings)
    {
        DateCandidate? From(Directory? directory, int tag, int offsetTag, string name) => directory is null ? null
            : MetadataDates.FromExif(directory.GetString(tag), directory.GetString(offsetTag), "EXIF " + name, MetadataSource.Exif, utcNow, warnings);
        return From(WithTag(subIfds, ExifDirectoryBase.TagDateTimeOriginal), ExifDirectoryBase.TagDateTimeOriginal, OffsetTimeOriginal, "DateTimeOriginal")
            ?? From(WithTag(subIfds, ExifDirectoryBase.TagDateTimeDigitized), ExifDirectoryBase.TagDateTimeDigitized, OffsetTimeDigitized, "DateTimeDigitized")
            ?? From(ifd0, ExifDirectoryBase.TagDateTime, OffsetTime, "DateTime");
    }

    private static Directory? WithTag(IEnumerable<Directory> directories, int tag) => directories.FirstOrDefault(d => d.ContainsTag(tag));

    private static DateCandidate? QuickTimeDate(IReadOnlyList<Directory> directories, DateTime utcNow, ICollection<string> warnings)
    {
        var header = directories.OfType<QuickTimeMovieHeaderDirectory>().FirstOrDefault();
        if (header is null || !header.TryGetDateTime(QuickTimeMovieHeaderDirectory.TagCreated, out var created))
            return null;
        // Many encoders leave the field at 0, which reads as the QuickTime epoch 1904-01-01: unset, not a date.
        if (created.Year <= 1904)
            return null;
        return MetadataDates.FromUtc(created, "QuickTime creation time", MetadataSource.QuickTime, utcNow, warnings);
    }

    private static GeoPoint? Location(GpsDirectory? gps, ICollection<string> warnings)
    {
        if (gps is null || (!gps.ContainsTag(GpsDirectory.TagLatitude) && !gps.ContainsTag(GpsDirectory.TagLongitude)))
            return null;
        if (gps.GetGeoLocation() is not { } geo)
        {
            warnings.Add($"EXIF GPS position '{gps.GetDescription(GpsDirectory.TagLatitude)}', '{gps.GetDescription(GpsDirectory.TagLongitude)}' is incomplete (ignored)");
            return null;
        }
        double? altitude = null;
        if (gps.TryGetRational(GpsDirectory.TagAltitude, out var rational) && rational.Denominator != 0)
            altitude = gps.TryGetInt32(GpsDirectory.TagAltitudeRef, out var below) && below == 1 ? -rational.ToDouble() : rational.ToDouble();
        return GeoReading.Validate(geo.Latitude, geo.Longitude, altitude, "EXIF GPS", warnings);
    }

    private static int Orientation(ExifIfd0Directory? ifd0, ICollection<string> warnings)
    {
        if (ifd0 is null || !ifd0.ContainsTag(ExifDirectoryBase.TagOrientation))
            return 1;
        if (ifd0.TryGetInt32(ExifDirectoryBase.TagOrientation, out var value) && value is >= 1 and <= 8)
            return value;
        warnings.Add($"EXIF orientation '{ifd0.GetString(ExifDirectoryBase.TagOrientation)}' is not 1 to 8 (read as 1)");
        return 1;
    }

    private static string BlockName(Directory directory) => directory switch
    {
        ExifDirectoryBase or GpsDirectory => "EXIF",
        XmpDirectory => "XMP",
        IptcDirectory => "IPTC",
        _ => directory.Name,
    };
}
