using System.Globalization;
using Microsoft.VisualBasic.FileIO;
using Sightline.Library.Metadata;
using Sightline.Tests.Shared;
using Xunit.Abstractions;

namespace Sightline.Library.Tests.Metadata;

/// <summary>The reader over photo-collection, a messy real folder, against the EXIF columns of its manifest.csv.</summary>
public sealed class PhotoCollectionTests(ITestOutputHelper output)
{
    private static string Folder => TestPaths.Data("photo-collection");

    private static PhotoMetadata ReadFile(string relative)
    {
        var path = Path.Combine(Folder, relative);
        return PhotoMetadataReader.Read(File.ReadAllBytes(path), path);
    }

    [Fact]
    public void Orientation_date_gps_and_camera_agree_with_the_manifest_for_every_media_file()
    {
        using var parser = new TextFieldParser(Path.Combine(Folder, "manifest.csv")) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var header = parser.ReadFields()!.ToList();
        var disagreements = new List<string>();
        var checkedFiles = 0;
        while (parser.ReadFields() is { } f)
        {
            string Col(string name) => f[header.IndexOf(name)];
            // Every file is read, junk and sidecars too: none may throw.
            var metadata = ReadFile(Col("file"));
            if (Col("content") == "other")
                continue;
            checkedFiles++;
            void Expect(string column, string expected, string? actual)
            {
                if (expected.Length > 0 && expected != actual)
                    disagreements.Add($"{Col("file")} {column}: manifest '{expected}', reader '{actual}' ({string.Join("; ", metadata.Warnings)})");
            }
            Expect("orientation", Col("orientation"), metadata.Orientation.ToString(CultureInfo.InvariantCulture));
            Expect("date_taken", Col("date_taken"), metadata.TakenAt is { } t
                ? t.ToString("yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture) + (metadata.TakenOffset is { } o ? (o < TimeSpan.Zero ? " -" : " +") + o.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture) : "")
                : null);
            Expect("make", Col("make"), metadata.CameraMake);
            Expect("model", Col("model"), metadata.CameraModel);
            if (Col("gps") == "yes")
                Expect("gps", nameof(MetadataSource.Exif), metadata.LocationSource?.ToString());
            else if (Col("gps").Length > 0 && metadata.LocationSource == MetadataSource.Exif)
                disagreements.Add($"{Col("file")} gps: manifest '{Col("gps")}', reader {metadata.Location}");
        }
        output.WriteLine($"{checkedFiles} media files checked, {disagreements.Count} disagreements");
        Assert.True(checkedFiles >= 90, $"only {checkedFiles} media files in {Folder}/manifest.csv");
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
    }

    [Fact]
    public void The_1919_date_is_kept()
    {
        var metadata = ReadFile("photoprism-examples/dog_created_1919.jpg");

        Assert.Equal(new DateTime(1919, 5, 4, 5, 59, 26), metadata.TakenAt);
        Assert.Equal(MetadataSource.Exif, metadata.TakenAtSource);
    }

    [Fact]
    public void Iphone_heic_has_orientation_6_gps_offset_and_lens()
    {
        var metadata = ReadFile("photoprism-examples/iphone_15_pro.heic");

        Assert.Equal(6, metadata.Orientation);
        Assert.Equal(TimeSpan.FromHours(1), metadata.TakenOffset);
        Assert.Equal(MetadataSource.Exif, metadata.LocationSource);
        Assert.InRange(metadata.Location!.Value.Latitude, -90, 90);
        Assert.NotEqual(0, metadata.Location!.Value.Latitude);
        Assert.Contains("iPhone 15 Pro", metadata.LensModel);
    }

    [Fact]
    public void Sidecars_beside_the_photos_are_found_and_read_without_damage_warnings()
    {
        var iphone = Path.Combine(Folder, "photoprism-examples", "iphone_7.heic");
        var dng = Path.Combine(Folder, "photoprism-examples", "canon_eos_6d.dng");
        var apple = Path.Combine(Folder, "photoprism-examples", "IMG_4120.JPG");

        Assert.Equal(["iphone_7.xmp", "iphone_7.json"], PhotoMetadataReader.SidecarsOf(iphone).Select(Path.GetFileName));
        Assert.Equal(["canon_eos_6d.xmp", "canon_eos_6d.json"], PhotoMetadataReader.SidecarsOf(dng).Select(Path.GetFileName));
        Assert.Equal(["IMG_4120.AAE"], PhotoMetadataReader.SidecarsOf(apple).Select(Path.GetFileName));
        var dngMetadata = ReadFile("photoprism-examples/canon_eos_6d.dng");
        Assert.DoesNotContain(dngMetadata.Warnings, w => w.Contains("not readable XMP") || w.Contains("damaged"));
        // The JSON beside it is an exiftool dump, recognised and said, not taken for Takeout's.
        Assert.Contains(dngMetadata.Warnings, w => w.Contains("canon_eos_6d.json") && w.Contains("not a Google Takeout sidecar"));
        Assert.Equal(new DateTime(2019, 6, 6, 7, 29, 51), dngMetadata.TakenAt);
    }

    [Fact]
    public void Videos_take_the_quicktime_creation_time_in_utc_and_an_unset_one_is_no_date()
    {
        var dated = ReadFile("photoprism-examples/example.mp4");
        var unset = ReadFile("photoprism-examples/christmas.mp4");

        Assert.Equal(new DateTime(2020, 5, 11, 14, 18, 35), dated.TakenAt);
        Assert.Equal(TimeSpan.Zero, dated.TakenOffset);
        Assert.Equal(MetadataSource.QuickTime, dated.TakenAtSource);
        Assert.Null(unset.TakenAt);
    }

    [Fact]
    public void Files_that_are_not_images_give_empty_metadata_with_a_warning()
    {
        var metadata = ReadFile("photoprism-examples/Random.docx");

        Assert.Null(metadata.TakenAt);
        Assert.Contains("Random.docx", Assert.Single(metadata.Warnings));
    }
}
