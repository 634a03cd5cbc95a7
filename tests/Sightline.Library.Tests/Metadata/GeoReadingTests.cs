using Sightline.Library.Metadata;

namespace Sightline.Library.Tests.Metadata;

public sealed class GeoReadingTests
{
    [Theory]
    [InlineData("34,47.847000N", 34.79745)]
    [InlineData("134,45.878000E", 134.7646333333)]
    [InlineData("33,30,36S", -33.51)]
    [InlineData("70,15.5W", -70.2583333333)]
    public void Xmp_coordinates_in_degrees(string raw, double degrees) =>
        Assert.Equal(degrees, GeoReading.ParseXmpCoordinate(raw)!.Value, 6);

    [Theory]
    [InlineData("34.5")]
    [InlineData("north")]
    public void Xmp_coordinates_without_a_direction_are_not_read(string raw) => Assert.Null(GeoReading.ParseXmpCoordinate(raw));

    [Theory]
    [InlineData(91, 10, "out of range")]
    [InlineData(10, -181, "out of range")]
    [InlineData(0, 0, "0, 0")]
    public void Positions_off_the_earth_or_unset_are_refused(double latitude, double longitude, string reason)
    {
        var warnings = new List<string>();

        Assert.Null(GeoReading.Validate(latitude, longitude, null, "EXIF GPS", warnings));
        Assert.Contains(reason, Assert.Single(warnings));
    }

    [Fact]
    public void An_impossible_altitude_is_dropped_and_the_position_kept()
    {
        var warnings = new List<string>();

        Assert.Equal(new GeoPoint(48.1, 11.5), GeoReading.Validate(48.1, 11.5, 4_000_000, "EXIF GPS", warnings));
        Assert.Contains("altitude", Assert.Single(warnings));
    }
}
