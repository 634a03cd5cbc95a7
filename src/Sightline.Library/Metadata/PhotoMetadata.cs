namespace Sightline.Library.Metadata;

/// <summary>Where a metadata value was read: the photo's own EXIF, XMP or IPTC, a sidecar file next to it, or the file system.</summary>
public enum MetadataSource
{
    Exif,
    Xmp,
    Iptc,
    QuickTime,
    SidecarXmp,
    GoogleTakeout,
    FileTime,
}

/// <summary>A position on the earth in degrees (WGS 84), altitude in metres above sea level when known.</summary>
public readonly record struct GeoPoint(double Latitude, double Longitude, double? Altitude = null);

/// <summary>
/// A rectangle in the upright (orientation-applied) image, as fractions of its width and height: X and Y are the
/// top-left corner, all four in [0, 1].
/// </summary>
public readonly record struct NormalizedRect(double X, double Y, double Width, double Height);

/// <summary>A face region another program wrote into the photo's XMP (MWG regions: Lightroom, digiKam, Picasa, Apple), with the person's name when it has one.</summary>
public sealed record FaceRegion(string? Name, NormalizedRect Area, string? Program = null);

/// <summary>What ffprobe says of a video: its length in seconds, frame rate, codec, clockwise rotation for display, and whether it has sound.</summary>
public sealed record VideoFacts(double Duration, double FrameRate, string Codec, int Rotation, bool HasAudio);

/// <summary>
/// What a photo's metadata says, read with MetadataExtractor from EXIF, XMP and IPTC, filled in from sidecar files
/// (XMP, Google Takeout JSON) where the photo itself has nothing. Values the file gets wrong are left out and said
/// in <see cref="Warnings"/>, never guessed.
/// </summary>
public sealed record PhotoMetadata
{
    public static PhotoMetadata Empty { get; } = new();

    /// <summary>When the photo was taken, as the camera's clock showed it (kind Unspecified).</summary>
    public DateTime? TakenAt { get; init; }

    /// <summary>The UTC offset of <see cref="TakenAt"/>, when the file says it (EXIF OffsetTimeOriginal, an XMP date with a zone, Takeout's UTC timestamp).</summary>
    public TimeSpan? TakenOffset { get; init; }

    public MetadataSource? TakenAtSource { get; init; }

    public string? CameraMake { get; init; }

    public string? CameraModel { get; init; }

    public string? LensModel { get; init; }

    public GeoPoint? Location { get; init; }

    public MetadataSource? LocationSource { get; init; }

    /// <summary>EXIF orientation, 1 to 8 (1 when the file has none).</summary>
    public int Orientation { get; init; } = 1;

    /// <summary>Star rating 0 to 5 (XMP xmp:Rating; -1, "rejected", reads as 0), when set.</summary>
    public int? Rating { get; init; }

    public IReadOnlyList<string> Keywords { get; init; } = [];

    public string? Title { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<FaceRegion> FaceRegions { get; init; } = [];

    /// <summary>For a video, what its stream says (null for photos, and for videos read without ffmpeg).</summary>
    public VideoFacts? Video { get; init; }

    /// <summary>What was wrong with the metadata in words, e.g. "EXIF block is truncated" or "date taken 2099-01-01 is in the future (ignored)".</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The moment it was taken, when both the clock time and its offset are known.</summary>
    public DateTimeOffset? TakenAtInstant => TakenAt is { } t && TakenOffset is { } o ? new DateTimeOffset(t, o) : null;
}
