namespace Sightline.Library.Metadata;

/// <summary>Reads a photo's or video's metadata (EXIF, XMP, IPTC, QuickTime) and fills gaps from its sidecar files.</summary>
public static class PhotoMetadataReader
{
    /// <summary>
    /// The metadata in <paramref name="data"/>, the bytes of the file at <paramref name="path"/> (the path names it in
    /// warnings and finds its sidecars: NAME.xmp, NAME.EXT.xmp, NAME.EXT.json, NAME.EXT.supplemental-metadata.json).
    /// Broken metadata never throws: what cannot be read is left out and said in <see cref="PhotoMetadata.Warnings"/>.
    /// </summary>
    public static PhotoMetadata Read(ReadOnlyMemory<byte> data, string path) =>
        throw new NotImplementedException("metadata reading comes with the metadata work");

    /// <summary>The sidecar files beside <paramref name="path"/> that belong to it (they are read by <see cref="Read"/>).</summary>
    public static IReadOnlyList<string> SidecarsOf(string path) =>
        throw new NotImplementedException("metadata reading comes with the metadata work");
}
