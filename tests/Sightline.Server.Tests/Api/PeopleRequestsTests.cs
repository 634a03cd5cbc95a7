using System.Text.Json;
using Sightline.Library.People;
using Sightline.Library.Thumbnails;
using Sightline.Server.Api;
using Sightline.Server.Errors;

namespace Sightline.Server.Tests.Api;

/// <summary>What the people endpoints read from a request, and where a face thumbnail is cut: without a library.</summary>
public sealed class PeopleRequestsTests
{
    private static JsonElement Body(string json) => JsonDocument.Parse(json).RootElement;

    private static void AssertBadField(Action read, string named)
    {
        var problem = Assert.Throws<ApiProblemException>(read);
        Assert.Equal((400, "bad_field"), (problem.Status, problem.Code));
        Assert.Contains(named, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("9007199254740993", 9007199254740993)]
    public void A_positive_whole_number_is_an_id(string value, long expected) => Assert.Equal(expected, PeopleRequests.Id(value, "person id"));

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData(" 5")]
    [InlineData("1e3")]
    [InlineData("Alice")]
    [InlineData("99999999999999999999")]
    public void Anything_else_is_a_bad_field_naming_the_id(string value) => AssertBadField(() => PeopleRequests.Id(value, "face id"), "face id");

    [Fact]
    public void The_query_defaults_to_visible_people_of_any_name_and_flags_read_true_and_false()
    {
        Assert.Equal(new PeopleQuery(), PeopleRequests.Query(null, null));
        Assert.Equal(new PeopleQuery(IncludeHidden: true, NamedOnly: false), PeopleRequests.Query("true", "false"));
        Assert.Equal(new PeopleQuery(IncludeHidden: false, NamedOnly: true), PeopleRequests.Query("0", "1"));
        var problem = Assert.Throws<ApiProblemException>(() => PeopleRequests.Query("yes", null));
        Assert.Equal((422, "bad_parameter"), (problem.Status, problem.Code));
    }

    [Theory]
    [InlineData(null, PeopleRequests.DefaultLimit)]
    [InlineData("1", 1)]
    [InlineData(" 1000 ", 1000)]
    public void A_limit_is_1_to_1000(string? limit, int expected) => Assert.Equal(expected, PeopleRequests.Limit(limit));

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("ten")]
    [InlineData("")]
    public void A_limit_out_of_range_is_a_bad_parameter_naming_limit(string limit)
    {
        var problem = Assert.Throws<ApiProblemException>(() => PeopleRequests.Limit(limit));
        Assert.Equal((422, "bad_parameter"), (problem.Status, problem.Code));
        Assert.StartsWith("limit", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bodies_are_read_into_their_requests_with_fields_in_any_case()
    {
        Assert.Equal("Alice", PeopleRequests.Name(Body("""{"Name": "Alice"}""")).Name);
        Assert.Equal([4L, 5L], PeopleRequests.Merge(Body("""{"people": [4, 5]}""")).People);
        var split = PeopleRequests.Split(Body("""{"faces": [7], "to": 3}"""));
        Assert.Equal([7L], split.Faces);
        Assert.Equal((3L, (string?)null), (split.To, split.Name));
        var named = PeopleRequests.Split(Body("""{"faces": [7, 8], "name": "Anna", "to": null}"""));
        Assert.Equal([7L, 8L], named.Faces);
        Assert.Equal(((long?)null, "Anna"), (named.To, named.Name));
        Assert.Equal([9L], PeopleRequests.Reject(Body("""{"faces": [9]}""")).Faces);
        Assert.True(PeopleRequests.Hidden(Body("""{"hidden": true}""")).Hidden);
        Assert.False(PeopleRequests.Hidden(Body("""{"hidden": false}""")).Hidden);
        Assert.Equal(11L, PeopleRequests.Cover(Body("""{"face": 11}""")).Face);
    }

    [Theory]
    [InlineData("""{"faces": [1.5]}""", "faces[0]")]
    [InlineData("""{"faces": [1, -1]}""", "faces[1]")]
    [InlineData("""{"faces": null}""", "no 'faces'")]
    [InlineData("""{"faces": {"id": 1}}""", "'faces' must be an array")]
    [InlineData("""{"faces": [1], "to": 0}""", "'to'")]
    [InlineData("""{"faces": [1], "name": ["Anna"]}""", "'name'")]
    public void A_split_body_that_is_malformed_names_the_field(string json, string named) =>
        AssertBadField(() => PeopleRequests.Split(Body(json)), named);

    [Theory]
    [InlineData("""{"face": "11"}""", "'face'")]
    [InlineData("""{}""", "no 'face'")]
    public void A_cover_body_that_is_malformed_names_the_field(string json, string named) =>
        AssertBadField(() => PeopleRequests.Cover(Body(json)), named);

    [Theory]
    [InlineData(null, FaceThumbnail.DefaultSize)]
    [InlineData("32", 32)]
    [InlineData("512", 512)]
    public void A_thumbnail_size_is_32_to_512(string? size, int expected) => Assert.Equal(expected, PeopleRequests.ThumbnailSize(size));

    [Theory]
    [InlineData("31")]
    [InlineData("513")]
    [InlineData("preview")]
    public void A_thumbnail_size_out_of_range_is_a_bad_parameter_naming_size(string size)
    {
        var problem = Assert.Throws<ApiProblemException>(() => PeopleRequests.ThumbnailSize(size));
        Assert.Equal((422, "bad_parameter"), (problem.Status, problem.Code));
        Assert.StartsWith("size", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_face_is_cut_centred_from_the_preview_with_its_margin_scaled_from_the_original()
    {
        // A 640 x 480 original, a 320 x 240 preview: the box halves; the square is 1.8 x its larger side.
        AssertRegion(FaceThumbnail.Region(200, 120, 120, 150, 640, 480, 320, 240), 62.5f, 30f, 135f);
    }

    private static void AssertRegion(SkiaSharp.SKRect region, float left, float top, float side)
    {
        Assert.Equal(left, region.Left, 0.01f);
        Assert.Equal(top, region.Top, 0.01f);
        Assert.Equal(side, region.Width, 0.01f);
        Assert.Equal(side, region.Height, 0.01f);
    }

    [Theory]
    [InlineData(10, 10, 100, 120, 0, 0, 108)]
    [InlineData(580, 400, 60, 80, 248, 168, 72)]
    [InlineData(0, 0, 640, 480, 40, 0, 240)]
    public void A_face_near_an_edge_is_shifted_inside_the_preview_and_a_huge_one_shrunk_to_fit(
        float x, float y, float width, float height, float left, float top, float side)
        => AssertRegion(FaceThumbnail.Region(x, y, width, height, 640, 480, 320, 240), left, top, side);

    [Theory]
    [InlineData(0f, 10f)]
    [InlineData(10f, -1f)]
    [InlineData(float.NaN, 10f)]
    public void A_box_without_a_positive_finite_size_is_refused(float width, float height) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FaceThumbnail.Region(0, 0, width, height, 640, 480, 320, 240));
}
