using Sightline.Library;
using Sightline.Library.Thumbnails;
using Sightline.Server.Api;
using Sightline.Server.Errors;

namespace Sightline.Server.Tests.Api;

/// <summary>The query and path values of /v1/library, read without a library.</summary>
public sealed class LibraryRequestsTests
{
    [Fact]
    public void Absent_values_are_the_defaults()
    {
        var query = LibraryRequests.PageQuery(null, null, null, null);
        Assert.Equal(new PhotoQuery(100, null, PhotoOrder.TakenDescending, null), query);
        Assert.Equal(ThumbnailSize.Small, LibraryRequests.Size(null));
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("500", 500)]
    [InlineData(" 42 ", 42)]
    public void Limits_from_1_to_500_are_taken(string limit, int expected) =>
        Assert.Equal(expected, LibraryRequests.PageQuery(limit, null, null, null).Limit);

    [Theory]
    [InlineData("0")]
    [InlineData("501")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("ten")]
    [InlineData("")]
    [InlineData("99999999999999")]
    public void A_limit_out_of_range_or_not_a_number_is_a_bad_parameter_naming_limit(string limit)
    {
        var problem = Assert.Throws<ApiProblemException>(() => LibraryRequests.PageQuery(limit, null, null, null));
        Assert.Equal(422, problem.Status);
        Assert.Equal("bad_parameter", problem.Code);
        Assert.StartsWith("limit", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("taken-desc", PhotoOrder.TakenDescending)]
    [InlineData("taken-asc", PhotoOrder.TakenAscending)]
    [InlineData("ADDED-DESC", PhotoOrder.AddedDescending)]
    public void Orders_are_read_by_name(string order, PhotoOrder expected) =>
        Assert.Equal(expected, LibraryRequests.PageQuery(null, null, order, null).Order);

    [Theory]
    [InlineData("photo", MediaKind.Photo)]
    [InlineData("Video", MediaKind.Video)]
    public void Kinds_are_read_by_name(string kind, MediaKind expected) =>
        Assert.Equal(expected, LibraryRequests.PageQuery(null, null, null, kind).Kind);

    [Theory]
    [InlineData("newest", null, "order", "taken-desc, taken-asc, added-desc")]
    [InlineData("", null, "order", "taken-desc, taken-asc, added-desc")]
    [InlineData(null, "image", "kind", "photo, video")]
    public void An_unknown_order_or_kind_is_a_bad_parameter_naming_it_and_the_choices(string? order, string? kind, string parameter, string choices)
    {
        var problem = Assert.Throws<ApiProblemException>(() => LibraryRequests.PageQuery(null, null, order, kind));
        Assert.Equal("bad_parameter", problem.Code);
        Assert.StartsWith(parameter, problem.Message, StringComparison.Ordinal);
        Assert.Contains(choices, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_thumbnail_size_is_a_bad_parameter_naming_the_sizes()
    {
        var problem = Assert.Throws<ApiProblemException>(() => LibraryRequests.Size("huge"));
        Assert.Equal("bad_parameter", problem.Code);
        Assert.StartsWith("size 'huge'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("small, preview", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cursor_is_passed_on_as_given_and_an_empty_one_means_the_start()
    {
        Assert.Equal("abc123", LibraryRequests.PageQuery(null, "abc123", null, null).Cursor);
        Assert.Null(LibraryRequests.PageQuery(null, "  ", null, null).Cursor);
    }

    [Fact]
    public void Preview_is_a_thumbnail_size() => Assert.Equal(ThumbnailSize.Preview, LibraryRequests.Size("preview"));

    [Theory]
    [InlineData("1", 1L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Photo_ids_are_positive_whole_numbers(string id, long expected) => Assert.Equal(expected, LibraryRequests.PhotoId(id));

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1e3")]
    [InlineData("0x10")]
    [InlineData("..")]
    [InlineData("../../etc/passwd")]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    [InlineData("%2e%2e")]
    [InlineData("/etc/passwd")]
    [InlineData("C:\\Windows\\win.ini")]
    [InlineData("99999999999999999999")]
    public void Anything_else_names_no_photo(string id)
    {
        var problem = Assert.Throws<ApiProblemException>(() => LibraryRequests.PhotoId(id));
        Assert.Equal(404, problem.Status);
        Assert.Equal("photo_not_found", problem.Code);
    }

    [Fact]
    public void A_quoted_value_stays_on_one_short_line()
    {
        var problem = Assert.Throws<ApiProblemException>(() => LibraryRequests.PageQuery(null, null, "a\nb" + new string('x', 500), null));
        Assert.DoesNotContain('\n', problem.Message);
        Assert.True(problem.Message.Length < 200, problem.Message);
    }

    [Theory]
    [InlineData("jpeg", "image/jpeg")]
    [InlineData("JPEG", "image/jpeg")]
    [InlineData("png", "image/png")]
    [InlineData("heic", "image/heic")]
    [InlineData("avif", "image/avif")]
    [InlineData("jxl", "image/jxl")]
    [InlineData("dng", "image/x-adobe-dng")]
    [InlineData("mp4", "video/mp4")]
    [InlineData("mov", "video/quicktime")]
    [InlineData("avi", "video/x-msvideo")]
    [InlineData("something-new", "application/octet-stream")]
    public void Originals_have_the_media_type_of_their_format(string format, string expected) =>
        Assert.Equal(expected, LibraryRequests.MediaTypeOf(format));
}
