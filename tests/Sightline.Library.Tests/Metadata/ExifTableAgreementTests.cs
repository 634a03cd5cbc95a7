using System.Globalization;
using Microsoft.VisualBasic.FileIO;
using Sightline.Library.Metadata;
using Sightline.Tests.Shared;
using Xunit.Abstractions;

namespace Sightline.Library.Tests.Metadata;

/// <summary>
/// The reader against exif-samples/exif_table.csv, which a small independent EXIF parser (make_exif_table.py) wrote:
/// orientation, date taken (DateTimeOriginal, else DateTimeDigitized, plus OffsetTimeOriginal), IFD0 make/model, GPS.
/// </summary>
public sealed class ExifTableAgreementTests(ITestOutputHelper output)
{
    private sealed record Row(string File, string Orientation, string DateTaken, string Make, string Model, string Gps, string Latitude, string Longitude);

    private static List<Row> Table()
    {
        var root = TestPaths.Data("exif-samples");
        using var parser = new TextFieldParser(Path.Combine(root, "exif_table.csv")) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var header = parser.ReadFields()!.ToList();
        var rows = new List<Row>();
        while (parser.ReadFields() is { } f)
        {
            string Col(string name) => f[header.IndexOf(name)];
            rows.Add(new Row(Col("file"), Col("orientation"), Col("date_taken"), Col("make"), Col("model"), Col("gps"), Col("lat"), Col("lon")));
        }
        return rows;
    }

    [Fact]
    public void Every_column_agrees_with_the_table_where_it_has_a_value()
    {
        var root = TestPaths.Data("exif-samples");
        var rows = Table();
        Assert.True(rows.Count >= 100, $"{Path.Combine(root, "exif_table.csv")} has only {rows.Count} rows");
        var agreed = new Dictionary<string, (int Agree, int Total)>();
        var unexpected = new List<string>();
        var warningsOf = new Dictionary<string, IReadOnlyList<string>>();

        void Check(string column, Row row, string expected, string actual, bool agree)
        {
            var (a, t) = agreed.GetValueOrDefault(column);
            agreed[column] = (a + (agree ? 1 : 0), t + 1);
            // No known differences: HMD_Nokia_8.3_5G_hdr.heif, whose HEIF container MetadataExtractor cannot parse,
            // agrees too because its EXIF block is then found by byte scan, as the table's script does.
            if (!agree)
                unexpected.Add($"{column} {row.File}: table '{expected}', reader '{actual}' ({string.Join("; ", warningsOf[row.File])})");
        }

        foreach (var row in rows)
        {
            var path = Path.Combine(root, row.File);
            var metadata = PhotoMetadataReader.Read(File.ReadAllBytes(path), path);
            warningsOf[row.File] = metadata.Warnings;
            if (row.Orientation.Length > 0)
                Check("orientation", row, row.Orientation, metadata.Orientation.ToString(CultureInfo.InvariantCulture), row.Orientation == metadata.Orientation.ToString(CultureInfo.InvariantCulture));
            if (row.DateTaken.Length > 0)
            {
                var actual = metadata.TakenAt is { } t
                    ? t.ToString("yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture) + (metadata.TakenOffset is { } o ? " " + FormatOffset(o) : "")
                    : "";
                Check("date_taken", row, row.DateTaken, actual, actual == row.DateTaken.Trim());
            }
            if (row.Make.Length > 0)
                Check("make", row, row.Make, metadata.CameraMake ?? "", row.Make.Trim() == metadata.CameraMake);
            if (row.Model.Length > 0)
                Check("model", row, row.Model, metadata.CameraModel ?? "", row.Model.Trim() == metadata.CameraModel);
            if (row.Gps == "yes")
            {
                var lat = double.Parse(row.Latitude, CultureInfo.InvariantCulture);
                var lon = double.Parse(row.Longitude, CultureInfo.InvariantCulture);
                // The table rounds to 6 decimals (about 0.1 m).
                var agree = metadata.Location is { } p && Math.Abs(p.Latitude - lat) < 2e-6 && Math.Abs(p.Longitude - lon) < 2e-6;
                Check("gps", row, $"{lat}, {lon}", metadata.Location?.ToString() ?? "", agree);
            }
        }

        foreach (var (column, (agree, total)) in agreed)
            output.WriteLine($"{column}: {agree}/{total} agree");
        foreach (var line in unexpected)
            output.WriteLine(line);
        foreach (var (file, warnings) in warningsOf.Where(w => w.Value.Count > 0))
            output.WriteLine($"warnings {file}: {string.Join("; ", warnings)}");
        Assert.True(unexpected.Count == 0, "disagreements with the table:\n" + string.Join("\n", unexpected));
    }

    private static string FormatOffset(TimeSpan offset) =>
        (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    [Fact]
    public void Reads_every_sample_without_throwing_and_reports_the_mean_read_time()
    {
        var root = TestPaths.Data("exif-samples");
        var files = System.IO.Directory.EnumerateFiles(root, "*", System.IO.SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".jpg" or ".jpeg" or ".tif" or ".tiff" or ".heic" or ".heif")
            .Select(f => (Path: f, Bytes: File.ReadAllBytes(f))).ToList();
        Assert.True(files.Count >= 100, $"only {files.Count} images under {root}");
        foreach (var (path, bytes) in files)
            PhotoMetadataReader.Read(bytes, path);

        // Figures for the notes only: the bytes are in memory, as the ingestion engine hands them over.
        const int passes = 5;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var withDate = 0;
        for (var pass = 0; pass < passes; pass++)
            foreach (var (path, bytes) in files)
                withDate += PhotoMetadataReader.Read(bytes, path).TakenAt is null ? 0 : 1;
        var jpegs = files.Where(f => Path.GetExtension(f.Path).ToLowerInvariant() is ".jpg" or ".jpeg").ToList();
        var jpegClock = System.Diagnostics.Stopwatch.StartNew();
        for (var pass = 0; pass < passes; pass++)
            foreach (var (path, bytes) in jpegs)
                PhotoMetadataReader.Read(bytes, path);
        var sidecarClock = System.Diagnostics.Stopwatch.StartNew();
        for (var pass = 0; pass < passes; pass++)
            foreach (var (path, _) in files)
                PhotoMetadataReader.SidecarsOf(path);
        output.WriteLine($"sidecar lookup alone: mean {sidecarClock.Elapsed.TotalMilliseconds / (passes * files.Count):F3} ms per file");
        output.WriteLine($"{files.Count} images, mean {clock.Elapsed.TotalMilliseconds / (passes * files.Count):F3} ms per file over {passes} passes; {jpegs.Count} JPEGs, mean {jpegClock.Elapsed.TotalMilliseconds / (passes * jpegs.Count):F3} ms; {withDate / passes} with a date");
        Assert.True(withDate / passes >= 62, $"only {withDate / passes} of {files.Count} samples have a date taken");
    }
}
