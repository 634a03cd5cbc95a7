using Sightline.Library.Metadata;

namespace Sightline.Library.Tests.Metadata;

public sealed class MetadataDatesTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Exif_date_with_offset_and_sub_seconds_ignored()
    {
        var warnings = new List<string>();
        var date = MetadataDates.FromExif("2019:06:09 12:57:32.123", "-05:00", "EXIF DateTimeOriginal", MetadataSource.Exif, Now, warnings);

        Assert.Equal(new DateCandidate(new DateTime(2019, 6, 9, 12, 57, 32), TimeSpan.FromHours(-5), MetadataSource.Exif), date);
        Assert.Empty(warnings);
    }

    [Fact]
    public void A_date_in_1919_is_kept()
    {
        var date = MetadataDates.FromExif("1919:05:04 05:59:26", null, "EXIF DateTimeOriginal", MetadataSource.Exif, Now, []);

        Assert.Equal(new DateTime(1919, 5, 4, 5, 59, 26), date?.Clock);
        Assert.Null(date?.Offset);
    }

    [Theory]
    [InlineData("0000:00:00 00:00:00", "not a valid date")]
    [InlineData("2010:13:01 10:00:00", "not a valid date")]
    [InlineData("2011:02:30 10:00:00", "not a valid date")]
    [InlineData("2099:01:01 00:00:00", "in the future")]
    [InlineData("yesterday", "not a date")]
    public void Impossible_future_or_garbled_dates_are_refused_with_the_value_in_the_warning(string raw, string reason)
    {
        var warnings = new List<string>();

        Assert.Null(MetadataDates.FromExif(raw, null, "EXIF DateTimeOriginal", MetadataSource.Exif, Now, warnings));
        var warning = Assert.Single(warnings);
        Assert.Contains(raw, warning);
        Assert.Contains(reason, warning);
    }

    [Fact]
    public void A_clock_less_than_a_day_ahead_is_a_time_zone_not_the_future()
    {
        var date = MetadataDates.FromExif("2026:01:02 08:00:00", null, "EXIF DateTimeOriginal", MetadataSource.Exif, Now, []);

        Assert.NotNull(date);
    }

    [Theory]
    [InlineData("    :  :     :  :  ")]
    [InlineData("")]
    [InlineData(null)]
    public void An_unset_camera_clock_is_no_date_and_no_warning(string? raw)
    {
        var warnings = new List<string>();

        Assert.Null(MetadataDates.FromExif(raw, null, "EXIF DateTimeOriginal", MetadataSource.Exif, Now, warnings));
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData("2018-09-10T12:16:13", 2018, 9, 10, 12, 16, 13, null)]
    [InlineData("2019-06-06T07:29:51.00", 2019, 6, 6, 7, 29, 51, null)]
    [InlineData("2019-06-06T05:15:13+02:00", 2019, 6, 6, 5, 15, 13, 120)]
    [InlineData("2020-01-01T00:00:00Z", 2020, 1, 1, 0, 0, 0, 0)]
    [InlineData("2010-07-04", 2010, 7, 4, 0, 0, 0, null)]
    public void Xmp_dates_with_and_without_zone(string raw, int y, int mo, int d, int h, int mi, int s, int? offsetMinutes)
    {
        var date = MetadataDates.FromXmp(raw, "XMP xmp:CreateDate", MetadataSource.Xmp, Now, []);

        Assert.Equal(new DateTime(y, mo, d, h, mi, s), date?.Clock);
        Assert.Equal(offsetMinutes is { } m ? TimeSpan.FromMinutes(m) : null, date?.Offset);
    }

    [Fact]
    public void Iptc_date_and_time_with_zone()
    {
        var date = MetadataDates.FromIptc("20170215", "141340+0100", Now, []);

        Assert.Equal(new DateTime(2017, 2, 15, 14, 13, 40), date?.Clock);
        Assert.Equal(TimeSpan.FromHours(1), date?.Offset);
        Assert.Equal(MetadataSource.Iptc, date?.Source);
    }

    [Theory]
    [InlineData("+05:30", 330)]
    [InlineData("-0800", -480)]
    [InlineData("+00:00", 0)]
    public void Offsets_parse(string raw, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), MetadataDates.ParseOffset(raw, "x", []));

    [Fact]
    public void An_offset_beyond_14_hours_is_refused_with_a_warning()
    {
        var warnings = new List<string>();

        Assert.Null(MetadataDates.ParseOffset("+25:00", "EXIF DateTimeOriginal", warnings));
        Assert.Contains("+25:00", Assert.Single(warnings));
    }
}
