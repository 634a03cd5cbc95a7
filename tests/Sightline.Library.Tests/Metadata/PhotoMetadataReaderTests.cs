using Sightline.Library.Metadata;

namespace Sightline.Library.Tests.Metadata;

public sealed class PhotoMetadataReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-metadata-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string RegionsXmp = """
        <x:xmpmeta xmlns:x="adobe:ns:meta/">
         <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
          <rdf:Description rdf:about=""
            xmlns:xmp="http://ns.adobe.com/xap/1.0/"
            xmlns:dc="http://purl.org/dc/elements/1.1/"
            xmlns:lr="http://ns.adobe.com/lightroom/1.0/"
            xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"
            xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#"
            xmlns:stDim="http://ns.adobe.com/xap/1.0/sType/Dimensions#"
            xmp:CreatorTool="digiKam-8.2.0" xmp:Rating="-1">
           <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Beach day</rdf:li></rdf:Alt></dc:title>
           <dc:subject><rdf:Bag><rdf:li>beach</rdf:li><rdf:li>Family</rdf:li></rdf:Bag></dc:subject>
           <lr:hierarchicalSubject><rdf:Bag><rdf:li>People|family</rdf:li><rdf:li>Places|Europe|Nice</rdf:li></rdf:Bag></lr:hierarchicalSubject>
           <mwg-rs:Regions rdf:parseType="Resource">
            <mwg-rs:AppliedToDimensions stDim:w="4000" stDim:h="3000" stDim:unit="pixel"/>
            <mwg-rs:RegionList>
             <rdf:Bag>
              <rdf:li rdf:parseType="Resource">
               <mwg-rs:Name>Alice</mwg-rs:Name>
               <mwg-rs:Type>Face</mwg-rs:Type>
               <mwg-rs:Area stArea:x="0.25" stArea:y="0.3" stArea:w="0.1" stArea:h="0.2" stArea:unit="normalized"/>
              </rdf:li>
              <rdf:li rdf:parseType="Resource">
               <mwg-rs:Name>Rex</mwg-rs:Name>
               <mwg-rs:Type>Pet</mwg-rs:Type>
               <mwg-rs:Area stArea:x="0.5" stArea:y="0.5" stArea:w="0.2" stArea:h="0.2" stArea:unit="normalized"/>
              </rdf:li>
             </rdf:Bag>
            </mwg-rs:RegionList>
           </mwg-rs:Regions>
          </rdf:Description>
         </rdf:RDF>
        </x:xmpmeta>
        """;

    private static byte[] CameraExif(string dateTimeOriginal, ushort orientation = 1) => TestJpeg.Tiff(
        [ExifEntry.Ascii(TestJpeg.Make, " Canon "), ExifEntry.Ascii(TestJpeg.Model, "Canon EOS 6D"), ExifEntry.Short(TestJpeg.Orientation, orientation)],
        [ExifEntry.Ascii(TestJpeg.DateTimeOriginal, dateTimeOriginal), ExifEntry.Ascii(TestJpeg.OffsetTimeOriginal, "+02:00")]);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Reads_camera_date_with_offset_orientation_and_trimmed_make()
    {
        var path = Write("camera.jpg", TestJpeg.Build(CameraExif("2021:06:05 14:30:15", orientation: 8)));

        var metadata = PhotoMetadataReader.Read(File.ReadAllBytes(path), path);

        Assert.Equal(new DateTime(2021, 6, 5, 14, 30, 15), metadata.TakenAt);
        Assert.Equal(TimeSpan.FromHours(2), metadata.TakenOffset);
        Assert.Equal(MetadataSource.Exif, metadata.TakenAtSource);
        Assert.Equal(new DateTimeOffset(2021, 6, 5, 12, 30, 15, TimeSpan.Zero), metadata.TakenAtInstant);
        Assert.Equal("Canon", metadata.CameraMake);
        Assert.Equal("Canon EOS 6D", metadata.CameraModel);
        Assert.Equal(8, metadata.Orientation);
        Assert.Empty(metadata.Warnings);
    }

    [Fact]
    public void Mwg_face_regions_are_turned_upright_for_orientation_6_and_keep_only_faces()
    {
        var path = Write("faces.jpg", TestJpeg.Build(CameraExif("2021:06:05 14:30:15", orientation: 6), RegionsXmp));

        var metadata = PhotoMetadataReader.Read(File.ReadAllBytes(path), path);

        var face = Assert.Single(metadata.FaceRegions);
        Assert.Equal("Alice", face.Name);
        Assert.Equal("digiKam-8.2.0", face.Program);
        // Centre (0.25, 0.3) of the stored landscape image shows at (0.7, 0.25) once turned 90 degrees clockwise.
        Assert.Equal(0.6, face.Area.X, 9);
        Assert.Equal(0.2, face.Area.Y, 9);
        Assert.Equal(0.2, face.Area.Width, 9);
        Assert.Equal(0.1, face.Area.Height, 9);
        Assert.Equal(0, metadata.Rating);
        Assert.Equal("Beach day", metadata.Title);
        Assert.Equal(["beach", "Family", "Nice"], metadata.Keywords);
    }

    [Fact]
    public void Future_date_2099_is_refused_with_a_warning_naming_it_and_the_next_source_is_used()
    {
        var tiff = TestJpeg.Tiff(
            [ExifEntry.Ascii(TestJpeg.DateTime, "2015:03:04 05:06:07")],
            [ExifEntry.Ascii(TestJpeg.DateTimeOriginal, "2099:01:01 00:00:00")]);
        var path = Write("future.jpg", TestJpeg.Build(tiff));

        var metadata = PhotoMetadataReader.Read(File.ReadAllBytes(path), path);

        Assert.Equal(new DateTime(2015, 3, 4, 5, 6, 7), metadata.TakenAt);
        Assert.Equal(MetadataSource.Exif, metadata.TakenAtSource);
        Assert.Contains(metadata.Warnings, w => w.Contains("2099:01:01 00:00:00") && w.Contains("future"));
    }

    [Fact]
    public void Impossible_date_leaves_taken_at_empty_with_a_warning()
    {
        var tiff = TestJpeg.Tiff([ExifEntry.Ascii(TestJpeg.Make, "X")], [ExifEntry.Ascii(TestJpeg.DateTimeOriginal, "2010:13:01 10:00:00")]);
        var path = Write("month13.jpg", TestJpeg.Build(tiff));

        var metadata = PhotoMetadataReader.Read(File.ReadAllBytes(path), path);

        Assert.Null(metadata.TakenAt);
        Assert.Null(metadata.TakenAtSource);
        Assert.Contains(metadata.Warnings, w => w.Contains("2010:13:01 10:00:00") && w.Contains("not a valid date"));
    }

    [Fact]
    public void Truncated_exif_block_gives_a_warning_not_an_exception()
    {
        var tiff = CameraExif("2021:06:05 14:30:15");
        var path = Write("truncated.jpg", TestJpeg.Build(tiff[..40]));

        var metadata = PhotoMetadataReader.Read(File.ReadAllBytes(path), path);

        Assert.Contains(metadata.Warnings, w => w.StartsWith("EXIF block is damaged: ", StringComparison.Ordinal));
        Assert.Null(metadata.TakenAt);
    }

    [Fact]
    public void Gps_at_zero_zero_is_refused_and_a_real_position_is_read_with_its_refs()
    {
        ExifEntry[] Gps(uint latitude, uint longitude) =>
        [
            ExifEntry.Ascii(TestJpeg.GpsLatitudeRef, "S"), ExifEntry.Rationals(TestJpeg.GpsLatitude, (latitude, 1), (30, 1), (0, 1)),
            ExifEntry.Ascii(TestJpeg.GpsLongitudeRef, "W"), ExifEntry.Rationals(TestJpeg.GpsLongitude, (longitude, 1), (15, 1), (0, 1)),
        ];
        var zero = Write("zero.jpg", TestJpeg.Build(TestJpeg.Tiff([ExifEntry.Ascii(TestJpeg.Make, "X")], gps: [
            ExifEntry.Ascii(TestJpeg.GpsLatitudeRef, "N"), ExifEntry.Rationals(TestJpeg.GpsLatitude, (0, 1), (0, 1), (0, 1)),
            ExifEntry.Ascii(TestJpeg.GpsLongitudeRef, "E"), ExifEntry.Rationals(TestJpeg.GpsLongitude, (0, 1), (0, 1), (0, 1))])));
        var real = Write("real.jpg", TestJpeg.Build(TestJpeg.Tiff([ExifEntry.Ascii(TestJpeg.Make, "X")], gps: Gps(33, 70))));

        var unset = PhotoMetadataReader.Read(File.ReadAllBytes(zero), zero);
        var placed = PhotoMetadataReader.Read(File.ReadAllBytes(real), real);

        Assert.Null(unset.Location);
        Assert.Contains(unset.Warnings, w => w.Contains("0, 0"));
        Assert.Equal(-33.5, placed.Location!.Value.Latitude, 9);
        Assert.Equal(-70.25, placed.Location!.Value.Longitude, 9);
        Assert.Equal(MetadataSource.Exif, placed.LocationSource);
    }

    [Fact]
    public void Orientation_out_of_range_reads_as_1_with_a_warning()
    {
        var path = Write("orientation.jpg", TestJpeg.Build(TestJpeg.Tiff([ExifEntry.Short(TestJpeg.Orientation, 9)])));

        var metadata = PhotoMetadataReader.Read(File.ReadAllBytes(path), path);

        Assert.Equal(1, metadata.Orientation);
        Assert.Contains(metadata.Warnings, w => w.Contains("orientation") && w.Contains('9'));
    }

    [Fact]
    public void Camera_default_description_is_dropped_and_a_real_one_kept()
    {
        string Described(string name, string text) => Write(name, TestJpeg.Build(TestJpeg.Tiff([ExifEntry.Ascii(TestJpeg.ImageDescription, text)])));
        var olympus = Described("olympus.jpg", "OLYMPUS DIGITAL CAMERA         ");
        var real = Described("real.jpg", "Harbour at dawn");

        Assert.Null(PhotoMetadataReader.Read(File.ReadAllBytes(olympus), olympus).Description);
        Assert.Equal("Harbour at dawn", PhotoMetadataReader.Read(File.ReadAllBytes(real), real).Description);
    }

    [Fact]
    public void Xmp_sidecar_overrides_embedded_rating_keywords_and_regions_but_not_the_exif_date()
    {
        var photo = Write("IMG_0001.jpg", TestJpeg.Build(CameraExif("2021:06:05 14:30:15", orientation: 6), RegionsXmp));
        File.WriteAllText(Path.Combine(_dir, "IMG_0001.XMP"), """
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
             <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"
               xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/" xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#"
               xmp:Rating="5" xmp:CreateDate="2001-01-01T10:00:00" xmp:CreatorTool="Adobe Photoshop Lightroom Classic 13.0">
              <dc:subject><rdf:Bag><rdf:li>sunset</rdf:li><rdf:li>Sunset</rdf:li></rdf:Bag></dc:subject>
              <mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:RegionList><rdf:Bag>
               <rdf:li rdf:parseType="Resource"><mwg-rs:Name>Bob</mwg-rs:Name><mwg-rs:Type>Face</mwg-rs:Type>
                <mwg-rs:Area stArea:x="0.5" stArea:y="0.5" stArea:w="0.2" stArea:h="0.4" stArea:unit="normalized"/></rdf:li>
              </rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>
             </rdf:Description></rdf:RDF></x:xmpmeta>
            """);

        var metadata = PhotoMetadataReader.Read(File.ReadAllBytes(photo), photo);

        Assert.Equal(5, metadata.Rating);
        Assert.Equal(["sunset"], metadata.Keywords);
        var face = Assert.Single(metadata.FaceRegions);
        Assert.Equal("Bob", face.Name);
        Assert.Equal("Adobe Photoshop Lightroom Classic 13.0", face.Program);
        Assert.Equal(new NormalizedRect(0.3, 0.4, 0.4, 0.2), face.Area with { X = Math.Round(face.Area.X, 9), Y = Math.Round(face.Area.Y, 9), Width = Math.Round(face.Area.Width, 9), Height = Math.Round(face.Area.Height, 9) });
        Assert.Equal(new DateTime(2021, 6, 5, 14, 30, 15), metadata.TakenAt);
        Assert.Equal(MetadataSource.Exif, metadata.TakenAtSource);
        Assert.Equal("Beach day", metadata.Title);
    }

    [Fact]
    public void Takeout_json_gives_date_and_place_to_a_photo_without_exif()
    {
        var photo = Write("PXL_20230704.jpg", TestJpeg.Build());
        File.WriteAllText(Path.Combine(_dir, "PXL_20230704.jpg.supplemental-metadata.json"), """
            {
              "title": "PXL_20230704.jpg",
              "description": "Fireworks",
              "photoTakenTime": { "timestamp": "1688511600", "formatted": "Jul 4, 2023, 11:00:00 PM UTC" },
              "geoData": { "latitude": 0.0, "longitude": 0.0, "altitude": 0.0 },
              "geoDataExif": { "latitude": 40.6892, "longitude": -74.0445, "altitude": 12.5 },
              "people": [ { "name": "Carol" } ]
            }
            """);

        var metadata = PhotoMetadataReader.Read(File.ReadAllBytes(photo), photo);

        Assert.Equal(new DateTime(2023, 7, 4, 23, 0, 0), metadata.TakenAt);
        Assert.Equal(TimeSpan.Zero, metadata.TakenOffset);
        Assert.Equal(MetadataSource.GoogleTakeout, metadata.TakenAtSource);
        Assert.Equal(new GeoPoint(40.6892, -74.0445, 12.5), metadata.Location);
        Assert.Equal(MetadataSource.GoogleTakeout, metadata.LocationSource);
        Assert.Equal("Fireworks", metadata.Description);
        Assert.Null(metadata.Title);
        Assert.Empty(metadata.Keywords);
    }

    [Fact]
    public void Takeout_json_does_not_replace_the_cameras_own_date()
    {
        var photo = Write("IMG_2.jpg", TestJpeg.Build(CameraExif("2021:06:05 14:30:15")));
        File.WriteAllText(Path.Combine(_dir, "IMG_2.jpg.json"), """{ "photoTakenTime": { "timestamp": "1688511600" } }""");

        var metadata = PhotoMetadataReader.Read(File.ReadAllBytes(photo), photo);

        Assert.Equal(new DateTime(2021, 6, 5, 14, 30, 15), metadata.TakenAt);
        Assert.Equal(MetadataSource.Exif, metadata.TakenAtSource);
    }

    [Fact]
    public void A_file_that_is_not_an_image_gives_empty_metadata_with_a_warning_naming_it()
    {
        var path = Write("notes.jpg", "just some text, not a photo"u8.ToArray());

        var metadata = PhotoMetadataReader.Read(File.ReadAllBytes(path), path);

        Assert.Null(metadata.TakenAt);
        Assert.Equal(1, metadata.Orientation);
        Assert.Contains(path, Assert.Single(metadata.Warnings));
    }

    [Fact]
    public void Microsoft_photo_regions_are_read_as_top_left_rectangles_with_the_persons_name()
    {
        var path = Write("windows.jpg", TestJpeg.Build(xmp: """
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
             <rdf:Description rdf:about="" xmlns:MP="http://ns.microsoft.com/photo/1.2/"
               xmlns:MPRI="http://ns.microsoft.com/photo/1.2/t/RegionInfo#" xmlns:MPReg="http://ns.microsoft.com/photo/1.2/t/Region#">
              <MP:RegionInfo rdf:parseType="Resource"><MPRI:Regions><rdf:Bag>
               <rdf:li rdf:parseType="Resource"><MPReg:Rectangle>0.1, 0.2, 0.3, 0.4</MPReg:Rectangle><MPReg:PersonDisplayName>Dana</MPReg:PersonDisplayName></rdf:li>
               <rdf:li rdf:parseType="Resource"><MPReg:Rectangle>0.1, 0.2</MPReg:Rectangle></rdf:li>
              </rdf:Bag></MPRI:Regions></MP:RegionInfo>
             </rdf:Description></rdf:RDF></x:xmpmeta>
            """));

        var metadata = PhotoMetadataReader.Read(File.ReadAllBytes(path), path);

        var face = Assert.Single(metadata.FaceRegions);
        Assert.Equal("Dana", face.Name);
        Assert.Null(face.Program);
        Assert.Equal(0.1, face.Area.X, 9);
        Assert.Equal(0.2, face.Area.Y, 9);
        Assert.Equal(0.3, face.Area.Width, 9);
        Assert.Equal(0.4, face.Area.Height, 9);
        Assert.Contains(metadata.Warnings, w => w.Contains("'0.1, 0.2'"));
    }

    [Fact]
    public void Reads_from_a_slice_of_a_larger_buffer()
    {
        var jpeg = TestJpeg.Build(CameraExif("2021:06:05 14:30:15"));
        var padded = new byte[jpeg.Length + 20];
        jpeg.CopyTo(padded, 10);

        var metadata = PhotoMetadataReader.Read(padded.AsMemory(10, jpeg.Length), Path.Combine(_dir, "slice.jpg"));

        Assert.Equal(new DateTime(2021, 6, 5, 14, 30, 15), metadata.TakenAt);
    }
}
