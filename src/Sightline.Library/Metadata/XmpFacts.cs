using System.Globalization;
using XmpCore;

namespace Sightline.Library.Metadata;

/// <summary>What one XMP packet (embedded or a sidecar) says, before precedence between sources is applied.</summary>
internal sealed record XmpFacts
{
    public DateCandidate? TakenAt { get; init; }
    public int? Rating { get; init; }
    public IReadOnlyList<string> Keywords { get; init; } = [];
    public string? Title { get; init; }
    public string? Description { get; init; }
    public string? Lens { get; init; }
    public GeoPoint? Location { get; init; }
    public IReadOnlyList<FaceRegion> FaceRegions { get; init; } = [];
    public bool HasRegions { get; init; }
}

/// <summary>Reads <see cref="XmpFacts"/> from a parsed XMP packet with XmpCore.</summary>
internal static class XmpFactsReader
{
    private const string Dc = "http://purl.org/dc/elements/1.1/";
    private const string Xmp = "http://ns.adobe.com/xap/1.0/";
    private const string Exif = "http://ns.adobe.com/exif/1.0/";
    private const string ExifEx = "http://cipa.jp/exif/1.0/";
    private const string Aux = "http://ns.adobe.com/exif/1.0/aux/";
    private const string Photoshop = "http://ns.adobe.com/photoshop/1.0/";
    private const string Lightroom = "http://ns.adobe.com/lightroom/1.0/";
    private const string MwgRegions = "http://www.metadataworkinggroup.com/schemas/regions/";
    private const string Area = "http://ns.adobe.com/xmp/sType/Area#";
    private const string MsPhoto = "http://ns.microsoft.com/photo/1.2/";
    private const string MsRegionInfo = "http://ns.microsoft.com/photo/1.2/t/RegionInfo#";
    private const string MsRegion = "http://ns.microsoft.com/photo/1.2/t/Region#";

    // XMP paths name struct fields by prefix, so the prefixes the registry actually uses are looked up once.
    private static readonly string MwgPrefix = Register(MwgRegions, "mwg-rs");
    private static readonly string AreaPrefix = Register(Area, "stArea");
    private static readonly string MsRegionInfoPrefix = Register(MsRegionInfo, "MPRI");
    private static readonly string MsRegionPrefix = Register(MsRegion, "MPReg");

    static XmpFactsReader()
    {
        // Schemas that are read by their root name must be known even when a packet does not declare them.
        Register(Lightroom, "lr");
        Register(ExifEx, "exifEX");
        Register(MsPhoto, "MP");
    }

    /// <summary>Parses a sidecar's bytes; a packet XmpCore refuses gives null and a warning naming the file.</summary>
    public static IXmpMeta? Parse(byte[] packet, string label, ICollection<string> warnings)
    {
        try
        {
            return XmpMetaFactory.ParseFromBuffer(packet);
        }
        // XmpCore reports damage with more than its own exception: NotSupportedException for an encoding it will not
        // read (UTF-32), InvalidCastException for stray text inside rdf:RDF. Whatever it throws, the sidecar is unreadable.
        catch (Exception ex) when (ex is not (OutOfMemoryException or InsufficientExecutionStackException))
        {
            warnings.Add($"{label} is not readable XMP: {ex.Message}");
            return null;
        }
    }

    /// <summary>The facts of one packet; <paramref name="orientation"/> turns MWG areas upright.</summary>
    public static XmpFacts Read(IXmpMeta xmp, MetadataSource source, int orientation, DateTime utcNow, ICollection<string> warnings)
    {
        var label = source == MetadataSource.SidecarXmp ? "XMP sidecar" : "XMP";
        try
        {
            var program = MetadataText.Clean(Get(xmp, Xmp, "CreatorTool"));
            var mwg = MwgFaces(xmp, orientation, program, label, warnings, out var hasMwg);
            var microsoft = hasMwg ? [] : MicrosoftFaces(xmp, program, label, warnings, out _);
            return new XmpFacts
            {
                TakenAt = Date(xmp, source, label, utcNow, warnings),
                Rating = Rating(xmp, label, warnings),
                Keywords = MetadataText.MergeKeywords(Items(xmp, Dc, "subject")
                    .Concat(Items(xmp, Lightroom, "hierarchicalSubject").Select(MetadataText.HierarchyLeaf))),
                Title = MetadataText.Clean(LocalizedText(xmp, Dc, "title")),
                Description = MetadataText.Clean(LocalizedText(xmp, Dc, "description")),
                Lens = MetadataText.Clean(Get(xmp, Aux, "Lens")) ?? MetadataText.Clean(Get(xmp, ExifEx, "LensModel")),
                Location = Location(xmp, label, warnings),
                FaceRegions = mwg.Count > 0 ? mwg : microsoft,
                HasRegions = hasMwg || microsoft.Count > 0,
            };
        }
        catch (XmpException ex)
        {
            warnings.Add($"{label} block is damaged: {ex.Message}");
            return new XmpFacts();
        }
    }

    private static DateCandidate? Date(IXmpMeta xmp, MetadataSource source, string label, DateTime utcNow, ICollection<string> warnings) =>
        MetadataDates.FromXmp(Get(xmp, Exif, "DateTimeOriginal"), $"{label} exif:DateTimeOriginal", source, utcNow, warnings)
        ?? MetadataDates.FromXmp(Get(xmp, Xmp, "CreateDate"), $"{label} xmp:CreateDate", source, utcNow, warnings)
        ?? MetadataDates.FromXmp(Get(xmp, Photoshop, "DateCreated"), $"{label} photoshop:DateCreated", source, utcNow, warnings);

    private static int? Rating(IXmpMeta xmp, string label, ICollection<string> warnings)
    {
        var raw = Get(xmp, Xmp, "Rating");
        if (raw is null)
            return null;
        // Some programs write "4.0"; -1 is Lightroom's "rejected", which counts as no stars.
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value is < -1 or > 5)
        {
            warnings.Add($"{label} rating '{raw}' is not -1 to 5 (ignored)");
            return null;
        }
        return Math.Max(0, (int)Math.Round(value));
    }

    private static GeoPoint? Location(IXmpMeta xmp, string label, ICollection<string> warnings)
    {
        var latitudeRaw = Get(xmp, Exif, "GPSLatitude");
        var longitudeRaw = Get(xmp, Exif, "GPSLongitude");
        if (latitudeRaw is null && longitudeRaw is null)
            return null;
        var latitude = GeoReading.ParseXmpCoordinate(latitudeRaw);
        var longitude = GeoReading.ParseXmpCoordinate(longitudeRaw);
        if (latitude is null || longitude is null)
        {
            warnings.Add($"{label} GPS '{latitudeRaw}', '{longitudeRaw}' is not a position (ignored)");
            return null;
        }
        double? altitude = null;
        if (Get(xmp, Exif, "GPSAltitude") is { } altitudeRaw && Rational(altitudeRaw) is { } metres)
            altitude = Get(xmp, Exif, "GPSAltitudeRef") == "1" ? -metres : metres;
        return GeoReading.Validate(latitude.Value, longitude.Value, altitude, label, warnings);
    }

    private static List<FaceRegion> MwgFaces(IXmpMeta xmp, int orientation, string? program, string label, ICollection<string> warnings, out bool present)
    {
        var list = $"Regions/{MwgPrefix}:RegionList";
        var faces = new List<FaceRegion>();
        present = xmp.DoesPropertyExist(MwgRegions, list);
        if (!present)
            return faces;
        var count = xmp.CountArrayItems(MwgRegions, list);
        for (var i = 1; i <= count; i++)
        {
            var item = $"{list}[{i}]";
            var type = Get(xmp, MwgRegions, $"{item}/{MwgPrefix}:Type");
            // Pets, barcodes and focus areas share the list; only faces are faces.
            if (!string.Equals(type, "Face", StringComparison.OrdinalIgnoreCase))
                continue;
            var area = $"{item}/{MwgPrefix}:Area/{AreaPrefix}:";
            double? Field(string name) => Number(Get(xmp, MwgRegions, area + name));
            if (Field("x") is not { } x || Field("y") is not { } y || Field("w") is not { } w || Field("h") is not { } h)
            {
                warnings.Add($"{label} face region {i} has no complete area (ignored)");
                continue;
            }
            var unit = Get(xmp, MwgRegions, area + "unit");
            if (unit is not null && !string.Equals(unit, "normalized", StringComparison.OrdinalIgnoreCase))
            {
                warnings.Add($"{label} face region {i} has area unit '{unit}', not normalized (ignored)");
                continue;
            }
            if (FaceRegionGeometry.FromMwgArea(x, y, w, h, orientation, $"{label} face region {i}", warnings) is { } rect)
                faces.Add(new FaceRegion(MetadataText.Clean(Get(xmp, MwgRegions, $"{item}/{MwgPrefix}:Name")), rect, program));
        }
        return faces;
    }

    /// <summary>Windows Photo Gallery / older Picasa regions: "x, y, w, h" top-left fractions of the image as shown.</summary>
    private static List<FaceRegion> MicrosoftFaces(IXmpMeta xmp, string? program, string label, ICollection<string> warnings, out bool present)
    {
        var list = $"RegionInfo/{MsRegionInfoPrefix}:Regions";
        var faces = new List<FaceRegion>();
        present = xmp.DoesPropertyExist(MsPhoto, list);
        if (!present)
            return faces;
        var count = xmp.CountArrayItems(MsPhoto, list);
        for (var i = 1; i <= count; i++)
        {
            var item = $"{list}[{i}]";
            var rectangle = Get(xmp, MsPhoto, $"{item}/{MsRegionPrefix}:Rectangle");
            var parts = rectangle?.Split(',').Select(Number).ToArray();
            if (parts is not { Length: 4 } || parts.Any(p => p is null or < 0 or > 1) || parts[2] <= 0 || parts[3] <= 0)
            {
                warnings.Add($"{label} Microsoft face region {i} rectangle '{rectangle}' is not 4 fractions (ignored)");
                continue;
            }
            var rect = FaceRegionGeometry.Clamp(new NormalizedRect(parts[0]!.Value, parts[1]!.Value, parts[2]!.Value, parts[3]!.Value));
            faces.Add(new FaceRegion(MetadataText.Clean(Get(xmp, MsPhoto, $"{item}/{MsRegionPrefix}:PersonDisplayName")), rect, program));
        }
        return faces;
    }

    private static string? Get(IXmpMeta xmp, string ns, string path) => xmp.GetPropertyString(ns, path);

    private static string? LocalizedText(IXmpMeta xmp, string ns, string name) =>
        xmp.DoesPropertyExist(ns, name) ? xmp.GetLocalizedText(ns, name, null, "x-default")?.Value ?? Get(xmp, ns, name) : null;

    private static IReadOnlyList<string?> Items(IXmpMeta xmp, string ns, string array)
    {
        if (!xmp.DoesPropertyExist(ns, array))
            return [];
        try
        {
            var count = xmp.CountArrayItems(ns, array);
            return Enumerable.Range(1, count).Select(i => xmp.GetArrayItem(ns, array, i)?.Value).ToList();
        }
        catch (XmpException)
        {
            // A plain string where a bag belongs: keep it rather than lose it.
            return [Get(xmp, ns, array)];
        }
    }

    private static double? Number(string? raw) =>
        double.TryParse(raw?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;

    private static double? Rational(string raw)
    {
        var parts = raw.Split('/');
        if (parts.Length == 2 && Number(parts[0]) is { } n && Number(parts[1]) is { } d && d != 0)
            return n / d;
        return parts.Length == 1 ? Number(raw) : null;
    }

    private static string Register(string uri, string prefix) =>
        XmpMetaFactory.SchemaRegistry.RegisterNamespace(uri, prefix).TrimEnd(':');
}
