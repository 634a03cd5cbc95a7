using System.Runtime.InteropServices;
using MetadataExtractor;
using XmpCore;
using Directory = MetadataExtractor.Directory;

namespace Sightline.Library.Metadata;

/// <summary>Reads a photo's or video's metadata (EXIF, XMP, IPTC, QuickTime) and fills gaps from its sidecar files.</summary>
public static class PhotoMetadataReader
{
    /// <summary>
    /// The metadata in <paramref name="data"/>, the bytes of the file at <paramref name="path"/> (the path names it in
    /// warnings and finds its sidecars: NAME.xmp, NAME.EXT.xmp, NAME.EXT.json, NAME.EXT.supplemental-metadata.json).
    /// Broken metadata never throws: what cannot be read is left out and said in <see cref="PhotoMetadata.Warnings"/>.
    /// </summary>
    public static PhotoMetadata Read(ReadOnlyMemory<byte> data, string path) => Read(data, path, DateTime.UtcNow);

    /// <summary>The sidecar files beside <paramref name="path"/> that belong to it (they are read by <see cref="Read"/>).</summary>
    public static IReadOnlyList<string> SidecarsOf(string path) => SidecarFiles.Of(path);

    /// <summary><see cref="Read(ReadOnlyMemory{byte}, string)"/> with the clock that decides which dates lie in the future.</summary>
    internal static PhotoMetadata Read(ReadOnlyMemory<byte> data, string path, DateTime utcNow)
    {
        var warnings = new List<string>();
        IReadOnlyList<Directory> directories;
        var (fitting, cut) = ContainerLengths.Fit(data);
        if (cut is not null)
            warnings.Add($"metadata of {path} is read up to a damaged part: {cut}");
        try
        {
            using var stream = OpenWithoutCopy(fitting);
            directories = ImageMetadataReader.ReadMetadata(stream);
        }
        catch (ImageProcessingException ex)
        {
            return PhotoMetadata.Empty with { Warnings = [$"{path} is not an image or video with readable metadata: {ex.Message}"] };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // MetadataExtractor throws plain exceptions on some damaged containers (a HEIF with an odd item list);
            // its EXIF block is often intact, and what the sidecars say still counts.
            warnings.Add($"metadata of {path} could not be read: {ex.GetType().Name}: {ex.Message}");
            directories = ExifByScan.Read(data, warnings);
        }

        EmbeddedFacts embedded;
        XmpFacts embeddedXmp;
        try
        {
            embedded = EmbeddedFactsReader.Read(directories, utcNow, warnings);
            embeddedXmp = embedded.Xmp is null ? new XmpFacts() : XmpFactsReader.Read(embedded.Xmp, MetadataSource.Xmp, embedded.Orientation, utcNow, warnings);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A value MetadataExtractor parsed but that cannot be interpreted must not stop ingestion of the file.
            warnings.Add($"metadata of {path} could not be interpreted: {ex.GetType().Name}: {ex.Message}");
            embedded = new EmbeddedFacts();
            embeddedXmp = new XmpFacts();
        }
        var sidecarXmp = new List<XmpFacts>();
        var takeout = new List<TakeoutFacts>();
        foreach (var sidecar in SafeSidecars(path, warnings))
        {
            if (!SidecarFiles.IsXmp(sidecar) && !SidecarFiles.IsJson(sidecar))
                continue; // Apple AAE holds edit instructions, not metadata.
            if (ReadSidecar(sidecar, warnings) is not { } bytes)
                continue;
            var label = $"sidecar {Path.GetFileName(sidecar)}";
            if (SidecarFiles.IsXmp(sidecar))
            {
                if (XmpFactsReader.Parse(bytes, label, warnings) is { } xmp)
                    sidecarXmp.Add(XmpFactsReader.Read(xmp, MetadataSource.SidecarXmp, embedded.Orientation, utcNow, warnings));
            }
            else if (GoogleTakeoutJson.Read(bytes, label, Path.GetFileName(path), utcNow, warnings) is { } facts)
            {
                takeout.Add(facts);
            }
        }
        return Combine(embedded, embeddedXmp, sidecarXmp, takeout, warnings);
    }

    /// <summary>
    /// Precedence: the camera's EXIF beats everything for date, camera and place; sidecar XMP beats embedded XMP for what
    /// people edit (rating, keywords, regions, title, description), as Lightroom and digiKam write it there; Takeout only fills gaps.
    /// </summary>
    internal static PhotoMetadata Combine(EmbeddedFacts embedded, XmpFacts embeddedXmp, IReadOnlyList<XmpFacts> sidecarXmp, IReadOnlyList<TakeoutFacts> takeout, IReadOnlyList<string> warnings)
    {
        var taken = embedded.ExifDate ?? embeddedXmp.TakenAt ?? embedded.IptcDate ?? embedded.QuickTimeDate
            ?? sidecarXmp.Select(s => s.TakenAt).FirstOrDefault(d => d is not null) ?? takeout.Select(t => t.TakenAt).FirstOrDefault(d => d is not null);
        var (location, locationSource) = embedded.Location is { } exifPlace ? (exifPlace, MetadataSource.Exif)
            : embeddedXmp.Location is { } xmpPlace ? (xmpPlace, MetadataSource.Xmp)
            : sidecarXmp.FirstOrDefault(s => s.Location is not null)?.Location is { } sidecarPlace ? (sidecarPlace, MetadataSource.SidecarXmp)
            : takeout.FirstOrDefault(t => t.Location is not null)?.Location is { } takeoutPlace ? (takeoutPlace, MetadataSource.GoogleTakeout)
            : ((GeoPoint?)null, (MetadataSource?)null);
        var sidecarKeywords = sidecarXmp.FirstOrDefault(s => s.Keywords.Count > 0)?.Keywords;
        var sidecarRegions = sidecarXmp.FirstOrDefault(s => s.HasRegions)?.FaceRegions;
        return new PhotoMetadata
        {
            TakenAt = taken?.Clock,
            TakenOffset = taken?.Offset,
            TakenAtSource = taken?.Source,
            CameraMake = embedded.Make,
            CameraModel = embedded.Model,
            LensModel = embedded.Lens ?? embeddedXmp.Lens ?? sidecarXmp.Select(s => s.Lens).FirstOrDefault(l => l is not null),
            Location = location,
            LocationSource = location is null ? null : locationSource,
            Orientation = embedded.Orientation,
            Rating = sidecarXmp.Select(s => s.Rating).FirstOrDefault(r => r is not null) ?? embeddedXmp.Rating,
            Keywords = sidecarKeywords ?? MetadataText.MergeKeywords(embeddedXmp.Keywords.Concat(embedded.IptcKeywords)),
            Title = sidecarXmp.Select(s => s.Title).FirstOrDefault(t => t is not null) ?? embeddedXmp.Title ?? embedded.IptcTitle
                ?? takeout.Select(t => t.Title).FirstOrDefault(t => t is not null),
            Description = sidecarXmp.Select(s => s.Description).FirstOrDefault(d => d is not null) ?? embeddedXmp.Description
                ?? embedded.IptcCaption ?? embedded.ExifDescription ?? takeout.Select(t => t.Description).FirstOrDefault(d => d is not null),
            FaceRegions = sidecarRegions ?? embeddedXmp.FaceRegions,
            Warnings = warnings.ToList(),
        };
    }

    /// <summary>A read-only stream over the caller's buffer; only memory that is not an array is copied.</summary>
    private static MemoryStream OpenWithoutCopy(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out var segment) && segment.Array is not null
            ? new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);

    private static IReadOnlyList<string> SafeSidecars(string path, List<string> warnings)
    {
        try
        {
            return SidecarFiles.Of(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            warnings.Add($"sidecars of {path} could not be listed: {ex.Message}");
            return [];
        }
    }

    private static byte[]? ReadSidecar(string sidecar, List<string> warnings)
    {
        try
        {
            return File.ReadAllBytes(sidecar);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warnings.Add($"sidecar {sidecar} could not be read: {ex.Message}");
            return null;
        }
    }
}
