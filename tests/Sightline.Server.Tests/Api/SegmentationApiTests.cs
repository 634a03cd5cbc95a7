using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared;
using Sightline.Vision.Segmentation.Masks;

using static Sightline.Server.Tests.Api.ApiAssert;

namespace Sightline.Server.Tests.Api;

/// <summary>One server shared by the segmentation API tests.</summary>
public sealed class SegmentationServerFixture : IAsyncLifetime
{
    public RunningServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RunningServer.StartAsync(new ServerOptions());

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>POST /v1/segment through the real HTTP stack: semantic masks, instances, and the errors.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class SegmentationApiTests(SegmentationServerFixture fixture) : IClassFixture<SegmentationServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    private static string Sanity(string name) => Path.Combine(TestPaths.Data("sanity"), name);

    private static MultipartFormDataContent Form(byte[] bytes, string name)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "image", name);
        return form;
    }

    private static MultipartFormDataContent Form(string path) => Form(File.ReadAllBytes(path), Path.GetFileName(path));

    [Fact]
    public async Task Salient_mask_of_the_dog_photo_is_not_a_rectangle()
    {
        var r = await Json(await Client.PostAsync("/v1/segment?model=salient", Form(Sanity("dog.jpg"))));
        var (width, height) = (r.GetProperty("image").GetProperty("width").GetInt32(), r.GetProperty("image").GetProperty("height").GetInt32());
        Assert.Equal("u2netp", r.GetProperty("model").GetProperty("id").GetString());
        Assert.False(string.IsNullOrEmpty(r.GetProperty("model").GetProperty("version").GetString()));
        Assert.Equal("full", r.GetProperty("method").GetString());
        Assert.False(r.TryGetProperty("detector", out _));
        Assert.Equal("salient", r.GetProperty("maskClass").GetString());
        var mask = MaskRle.Decode(r.GetProperty("mask"));
        Assert.Equal((width, height), (mask.Width, mask.Height));
        Assert.Equal(MaskRle.Compress(MaskRle.Encode(mask).Counts), r.GetProperty("mask").GetProperty("compressed").GetString());
        var bounds = mask.Bounds() ?? throw new Xunit.Sdk.XunitException("empty salient mask");
        Assert.InRange(mask.Area, 0.05 * width * height, 0.75 * bounds.Area);
        var salient = r.GetProperty("classes").EnumerateArray().Single(c => c.GetProperty("className").GetString() == "salient");
        Assert.Equal(mask.Area, salient.GetProperty("pixels").GetInt32());
        Assert.Equal((double)mask.Area / (width * height), salient.GetProperty("fraction").GetDouble(), 6);
        Assert.True(r.GetProperty("timings").GetProperty("inferenceMs").GetDouble() > 0);
    }

    [Fact]
    public async Task Person_model_finds_the_people_of_the_bus_photo_with_crops_and_whole()
    {
        var crops = await Json(await Client.PostAsync("/v1/segment", Form(Sanity("bus.jpg"))));
        Assert.Equal("human-selfie", crops.GetProperty("model").GetProperty("id").GetString());
        Assert.Equal("crops", crops.GetProperty("method").GetString());
        Assert.Equal(Sightline.Vision.Detection.Detectors.CenterNet, crops.GetProperty("detector").GetProperty("id").GetString());
        Assert.Equal("person", crops.GetProperty("maskClass").GetString());
        var person = crops.GetProperty("classes").EnumerateArray().Single(c => c.GetProperty("className").GetString() == "person");
        Assert.InRange(person.GetProperty("fraction").GetDouble(), 0.05, 0.6);
        Assert.Equal(person.GetProperty("pixels").GetInt32(), MaskRle.Decode(crops.GetProperty("mask")).Area);

        var fromMask = await Json(await Client.PostAsync("/v1/segment?regions=mask", Form(Sanity("bus.jpg"))));
        Assert.Equal("crops", fromMask.GetProperty("method").GetString());
        Assert.True(!fromMask.TryGetProperty("detector", out var detector) || detector.ValueKind == JsonValueKind.Null, "no detector runs for crops from the mask");
        Assert.True(MaskRle.Decode(fromMask.GetProperty("mask")).Area > 0);

        var whole = await Json(await Client.PostAsync("/v1/segment?model=meet&method=full", Form(Sanity("bus.jpg"))));
        Assert.Equal("human-meet", whole.GetProperty("model").GetProperty("id").GetString());
        Assert.Equal("full", whole.GetProperty("method").GetString());
        Assert.True(MaskRle.Decode(whole.GetProperty("mask")).Area > 0);
    }

    [Fact]
    public async Task Instances_carry_rle_and_polygons_inside_their_boxes()
    {
        var r = await Json(await Client.PostAsync("/v1/segment?instances=true", Form(Sanity("bus.jpg"))));
        Assert.Equal(Sightline.Vision.Detection.Detectors.CenterNet, r.GetProperty("detector").GetProperty("id").GetString());
        Assert.Equal("human-selfie", r.GetProperty("personModel").GetProperty("id").GetString());
        Assert.Equal("u2netp", r.GetProperty("salientModel").GetProperty("id").GetString());
        var instances = r.GetProperty("instances").EnumerateArray().ToList();
        Assert.True(instances.Count(i => i.GetProperty("className").GetString() == "person") >= 3);
        Assert.Contains(instances, i => i.GetProperty("className").GetString() == "bus" && i.GetProperty("maskSource").GetString() == "salient");
        foreach (var instance in instances)
        {
            var mask = MaskRle.Decode(instance.GetProperty("rle"));
            Assert.Equal(instance.GetProperty("area").GetInt32(), mask.Area);
            Assert.Equal(MaskRle.Compress(MaskRle.Encode(mask).Counts), instance.GetProperty("rle").GetProperty("compressed").GetString());
            var polygons = instance.GetProperty("polygons").EnumerateArray().Select(p => (IReadOnlyList<float>)p.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToList();
            Assert.NotEmpty(polygons);
            // The largest outline fills back to most of the mask.
            var refilled = PolygonRaster.Fill(polygons, mask.Width, mask.Height);
            Assert.True(BinaryMask.IoU(mask, refilled) > 0.8, $"{instance.GetProperty("className")}: polygons IoU {BinaryMask.IoU(mask, refilled):0.00}");
            var box = instance.GetProperty("box");
            var bounds = mask.Bounds()!.Value;
            Assert.True(bounds.X >= box.GetProperty("x").GetSingle() - 0.15f * box.GetProperty("width").GetSingle() - 1);
        }
        Assert.Contains(r.GetProperty("classes").EnumerateArray(), c => c.GetProperty("className").GetString() == "person");
        Assert.Equal(0, r.GetProperty("unmasked").GetInt32());

        var people = await Json(await Client.PostAsync("/v1/segment?instances=true&classes=person", Form(Sanity("bus.jpg"))));
        Assert.All(people.GetProperty("instances").EnumerateArray(), i => Assert.Equal("person", i.GetProperty("className").GetString()));
    }

    [Fact]
    public async Task Bad_parameters_are_422_and_a_corrupt_image_is_400()
    {
        await AssertProblem(await Client.PostAsync("/v1/segment?model=deeplab", Form(Sanity("bus.jpg"))), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        await AssertProblem(await Client.PostAsync("/v1/segment?method=tiles", Form(Sanity("bus.jpg"))), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        await AssertProblem(await Client.PostAsync("/v1/segment?model=salient&method=crops", Form(Sanity("bus.jpg"))), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        await AssertProblem(await Client.PostAsync("/v1/segment?threshold=1.5", Form(Sanity("bus.jpg"))), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        await AssertProblem(await Client.PostAsync("/v1/segment?regions=boxes", Form(Sanity("bus.jpg"))), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        await AssertProblem(await Client.PostAsync("/v1/segment?instances=true&regions=mask", Form(Sanity("bus.jpg"))), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        await AssertProblem(await Client.PostAsync("/v1/segment?instances=true&classes=unicorn", Form(Sanity("bus.jpg"))), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        var corrupt = File.ReadAllBytes(Sanity("bus.jpg")).Take(200).Concat(Enumerable.Repeat((byte)0x5a, 5000)).ToArray();
        var response = await Client.PostAsync("/v1/segment", Form(corrupt, "broken.jpg"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_endpoint()
    {
        var doc = await Json(await Client.GetAsync("/openapi/v1.json"));
        Assert.True(doc.GetProperty("paths").TryGetProperty("/v1/segment", out var path));
        Assert.True(path.TryGetProperty("post", out _));
    }
}
