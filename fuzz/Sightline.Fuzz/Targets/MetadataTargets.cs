using System.Text;
using System.Text.Json;
using ImageMagick;
using Sightline.Library.Ingestion;
using Sightline.Library.Metadata;
using Sightline.Library.Storage;

namespace Sightline.Fuzz.Targets;

/// <summary>
/// The metadata reader as ingestion calls it: EXIF, XMP, IPTC and QuickTime in the file, and the XMP and Google
/// Takeout sidecars beside it, through to the face regions imported from it and the JSON the library stores.
/// </summary>
public static class MetadataTargets
{
    private static readonly Lazy<byte[]> PlainJpeg = new(() =>
    {
        using var image = new MagickImage(MagickColors.SteelBlue, 8, 8);
        return image.ToByteArray(MagickFormat.Jpeg);
    });

    /// <summary>A folder of this process for the files a target must put on disk (the reader finds sidecars by name).</summary>
    private static readonly Lazy<string> Scratch = new(() =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"sightline-fuzz-{Environment.ProcessId}")).FullName);

    // Its promise: broken metadata never throws; what cannot be read is a warning.
    public static FuzzTarget Embedded { get; } = new(
        "metadata",
        "PhotoMetadataReader.Read of a file's bytes (MetadataExtractor, the EXIF scan, XMP facts), imported face regions, stored JSON",
        input => Check(PhotoMetadataReader.Read(input, Path.Combine(Scratch.Value, "embedded", "input.jpg"))),
        data => MadeInCode().Concat(data.SmallestOf([".jpg", ".jpeg", ".tif", ".tiff", ".heic", ".png", ".webp", ".mp4", ".mov", ".dng"], 4, 256 * 1024)),
        length => 64L * 1024 * 1024 + 64L * length);

    public static FuzzTarget XmpSidecar { get; } = new(
        "xmp-sidecar",
        "PhotoMetadataReader.Read of a photo with a NAME.EXT.xmp sidecar (XmpCore, MWG and Microsoft face regions)",
        input => Check(WithSidecar(input, ".xmp")),
        data => [new Seed("made.xmp", Encoding.UTF8.GetBytes(XmpSample)), .. data.SmallestOf([".xmp"], 8, 256 * 1024)],
        length => 64L * 1024 * 1024 + 64L * length);

    public static FuzzTarget TakeoutSidecar { get; } = new(
        "takeout-sidecar",
        "PhotoMetadataReader.Read of a photo with a Google Takeout NAME.EXT.json sidecar",
        input => Check(WithSidecar(input, ".json")),
        data => [new Seed("made.json", Encoding.UTF8.GetBytes(TakeoutSample)), .. data.SmallestOf([".json"], 8, 64 * 1024)],
        length => 32L * 1024 * 1024 + 64L * length);

    private static PhotoMetadata WithSidecar(byte[] sidecar, string extension)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Scratch.Value, "sidecar")).FullName;
        var photo = Path.Combine(folder, "photo.jpg");
        File.WriteAllBytes(photo + extension, sidecar);
        try
        {
            return PhotoMetadataReader.Read(PlainJpeg.Value, photo);
        }
        finally
        {
            File.Delete(photo + extension);
        }
    }

    /// <summary>What ingestion does next with the metadata: import its face regions and store it as JSON, read back equal.</summary>
    private static void Check(PhotoMetadata metadata)
    {
        foreach (var face in ResultMapper.ImportedFaces(metadata.FaceRegions, 4000, 3000))
        {
            if (!(face.Width > 0 && face.Height > 0 && face.X >= 0 && face.Y >= 0 && face.X + face.Width <= 4000.5f && face.Y + face.Height <= 3000.5f))
                throw new FuzzFindingException($"an imported face region lies outside the 4000x3000 image: {face.X}, {face.Y}, {face.Width}x{face.Height}");
        }
        string json;
        try
        {
            json = JsonSerializer.Serialize(metadata, SqlLibraryStore.Json);
        }
        catch (Exception e) when (e is ArgumentException or JsonException or NotSupportedException)
        {
            throw new FuzzFindingException($"the library cannot store this metadata: {e.Message}", e);
        }
        var back = JsonSerializer.Deserialize<PhotoMetadata>(json, SqlLibraryStore.Json);
        if (back is null || JsonSerializer.Serialize(back, SqlLibraryStore.Json) != json)
            throw new FuzzFindingException("the stored metadata reads back different");
    }

    private static IEnumerable<Seed> MadeInCode()
    {
        using var image = new MagickImage(MagickColors.OliveDrab, 16, 12);
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.Make, "Sightline");
        exif.SetValue(ExifTag.Model, "Fuzz 1");
        exif.SetValue(ExifTag.DateTimeOriginal, "2024:05:06 07:08:09");
        exif.SetValue(ExifTag.Orientation, (ushort)6);
        exif.SetValue(ExifTag.GPSLatitudeRef, "N");
        exif.SetValue(ExifTag.GPSLatitude, [new Rational(52, 1), new Rational(31, 1), new Rational(0, 1)]);
        exif.SetValue(ExifTag.GPSLongitudeRef, "E");
        exif.SetValue(ExifTag.GPSLongitude, [new Rational(13, 1), new Rational(24, 1), new Rational(0, 1)]);
        image.SetProfile(exif);
        image.SetProfile(new XmpProfile(Encoding.UTF8.GetBytes(XmpSample)));
        yield return new Seed("made-exif-xmp.jpg", image.ToByteArray(MagickFormat.Jpeg));
        yield return new Seed("made-exif.tif", image.ToByteArray(MagickFormat.Tiff));
    }

    private const string XmpSample = """
        <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
        <rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"
          xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/" xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#"
          xmlns:stDim="http://ns.adobe.com/xap/1.0/sType/Dimensions#" exif:DateTimeOriginal="2021-03-04T05:06:07"
          exif:GPSLatitude="48,51.5N" exif:GPSLongitude="2,21.0E">
          <dc:subject><rdf:Bag><rdf:li>beach</rdf:li></rdf:Bag></dc:subject>
          <mwg-rs:Regions rdf:parseType="Resource">
            <mwg-rs:AppliedToDimensions stDim:w="4000" stDim:h="3000" stDim:unit="pixel"/>
            <mwg-rs:RegionList><rdf:Bag><rdf:li><rdf:Description mwg-rs:Name="Ada" mwg-rs:Type="Face">
              <mwg-rs:Area stArea:x="0.5" stArea:y="0.4" stArea:w="0.1" stArea:h="0.2" stArea:unit="normalized"/>
            </rdf:Description></rdf:li></rdf:Bag></mwg-rs:RegionList>
          </mwg-rs:Regions>
        </rdf:Description></rdf:RDF></x:xmpmeta>
        """;

    private const string TakeoutSample = """
        {"title":"photo.jpg","description":"by the sea","photoTakenTime":{"timestamp":"1620000000","formatted":"3 May 2021"},
         "geoData":{"latitude":48.85,"longitude":2.35,"altitude":35.0},"geoDataExif":{"latitude":0.0,"longitude":0.0,"altitude":0.0}}
        """;
}
