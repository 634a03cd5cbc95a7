using System.Text;
using Sightline.Library.Metadata;

namespace Sightline.Library.Tests.Metadata;

public sealed class GoogleTakeoutJsonTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static TakeoutFacts? Read(string json, List<string> warnings) =>
        GoogleTakeoutJson.Read(Encoding.UTF8.GetBytes(json), "sidecar a.jpg.json", "a.jpg", Now, warnings);

    [Fact]
    public void Reads_utc_date_place_and_a_renamed_title()
    {
        var facts = Read("""{"title":"Holiday","photoTakenTime":{"timestamp":"1500000000"},"geoData":{"latitude":52.52,"longitude":13.405,"altitude":34.0}}""", []);

        Assert.Equal(new DateCandidate(new DateTime(2017, 7, 14, 2, 40, 0), TimeSpan.Zero, MetadataSource.GoogleTakeout), facts?.TakenAt);
        Assert.Equal(new GeoPoint(52.52, 13.405, 34.0), facts?.Location);
        Assert.Equal("Holiday", facts?.Title);
    }

    [Fact]
    public void Zero_place_and_zero_timestamp_mean_none_without_a_warning()
    {
        var warnings = new List<string>();
        var facts = Read("""{"title":"a.jpg","photoTakenTime":{"timestamp":"0"},"geoData":{"latitude":0.0,"longitude":0.0}}""", warnings);

        Assert.NotNull(facts);
        Assert.Null(facts.TakenAt);
        Assert.Null(facts.Location);
        Assert.Null(facts.Title);
        Assert.Empty(warnings);
    }

    [Fact]
    public void An_exiftool_dump_is_recognised_as_not_takeout()
    {
        var warnings = new List<string>();

        Assert.Null(Read("""[{"SourceFile":"a.jpg","ExifToolVersion":11.85}]""", warnings));
        Assert.Contains("not a Google Takeout sidecar", Assert.Single(warnings));
    }

    [Fact]
    public void Broken_json_and_a_bad_timestamp_give_warnings()
    {
        var broken = new List<string>();
        var badTime = new List<string>();

        Assert.Null(Read("""{"photoTakenTime": {""", broken));
        Assert.Null(Read("""{"photoTakenTime":{"timestamp":"soon"}}""", badTime)?.TakenAt);
        Assert.Contains("not valid JSON", Assert.Single(broken));
        Assert.Contains("'soon'", Assert.Single(badTime));
    }

    [Fact]
    public void A_string_that_is_not_utf8_is_a_warning_not_an_exception()
    {
        // Found by fuzzing: the JSON reader accepts the structure and throws only when the string is decoded.
        var json = Encoding.UTF8.GetBytes("""{"title":"X","photoTakenTime":{"timestamp":"1500000000"}}""");
        json[10] = 0xCE; // inside "X"
        var warnings = new List<string>();

        var facts = GoogleTakeoutJson.Read(json, "sidecar a.jpg.json", "a.jpg", Now, warnings);

        Assert.Null(facts);
        Assert.Contains(warnings, w => w.Contains("sidecar a.jpg.json", StringComparison.Ordinal) && w.Contains("UTF-8", StringComparison.Ordinal));
    }
}
