using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared;
using Sightline.Vision.Classification;
using Sightline.Vision.Embeddings;

using static Sightline.Server.Tests.Api.ApiAssert;

namespace Sightline.Server.Tests.Api;

/// <summary>
/// A server with two custom classifiers: "flowers" (daisy against sunflowers, trained here on the first
/// eight flowers-5 photos of each class) and "broken" (a file that is not a classifier).
/// </summary>
public sealed class ClassifierServerFixture : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-server-classify-").FullName;
    private readonly PretrainedModels _models = new();

    public RunningServer Server { get; private set; } = null!;
    public static readonly string[] Classes = ["daisy", "sunflowers"];

    /// <summary>A photo of each class that training did not see.</summary>
    public static string Unseen(string className) =>
        Directory.GetFiles(Path.Combine(TestPaths.Data("flowers-5"), className)).Order(StringComparer.Ordinal).Last();

    public async Task InitializeAsync()
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, "train")).FullName;
        foreach (var c in Classes)
        {
            var folder = Directory.CreateDirectory(Path.Combine(root, c)).FullName;
            foreach (var photo in Directory.GetFiles(Path.Combine(TestPaths.Data("flowers-5"), c)).Order(StringComparer.Ordinal).Take(8))
                File.Copy(photo, Path.Combine(folder, Path.GetFileName(photo)));
        }
        var backbone = _models.Get(Embedders.DefaultModel);
        var embedder = Embedders.Create(backbone, _models.Engine, new EmbedderOptions(8));
        var (model, _) = ClassifierTraining.TrainFolder(LabelledFolder.Scan(root), backbone, embedder, new ClassifierTrainingOptions(Folds: 4));
        var flowers = Path.Combine(_dir, "flowers.sightline");
        ClassifierFile.Save(model, flowers);
        var broken = Path.Combine(_dir, "broken.sightline");
        await File.WriteAllTextAsync(broken, "not a classifier");
        Server = await RunningServer.StartAsync(new ServerOptions
        {
            Classifiers = new Dictionary<string, string> { ["flowers"] = flowers, ["broken"] = broken },
        });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _models.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>GET /v1/classifiers and POST /v1/classify through the real HTTP stack.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class ClassifyApiTests(ClassifierServerFixture fixture) : IClassFixture<ClassifierServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    private static MultipartFormDataContent Form(byte[] bytes, string name = "photo.jpg")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "image", name);
        return form;
    }

    [Fact]
    public async Task A_sunflower_photo_is_classified_with_probabilities_summing_to_one()
    {
        var r = await Json(await Client.PostAsync("/v1/classify?classifier=flowers", Form(File.ReadAllBytes(ClassifierServerFixture.Unseen("sunflowers")))));
        Assert.Equal("flowers", r.GetProperty("classifier").GetString());
        Assert.True(r.GetProperty("image").GetProperty("width").GetInt32() > 0 && r.GetProperty("image").GetProperty("height").GetInt32() > 0);
        Assert.Equal(Embedders.DefaultModel, r.GetProperty("backbone").GetProperty("id").GetString());
        Assert.False(string.IsNullOrEmpty(r.GetProperty("backbone").GetProperty("version").GetString()));
        var predictions = r.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(2, predictions.Count);
        Assert.All(predictions, p => Assert.Contains(p.GetProperty("label").GetString(), ClassifierServerFixture.Classes));
        Assert.Equal(1.0, predictions.Sum(p => p.GetProperty("probability").GetDouble()), 3);
        Assert.Equal("sunflowers", predictions[0].GetProperty("label").GetString());
        var unknown = r.GetProperty("unknown").GetBoolean();
        Assert.Equal(unknown ? "unknown" : "sunflowers", r.GetProperty("answer").GetString());
        Assert.Equal(!unknown, r.TryGetProperty("label", out _));
        Assert.True(r.GetProperty("timings").GetProperty("inferenceMs").GetDouble() > 0);

        // The raw body works too, the first classifier is the default, and top limits the list.
        var raw = new ByteArrayContent(File.ReadAllBytes(ClassifierServerFixture.Unseen("daisy")));
        raw.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var daisy = await Json(await Client.PostAsync("/v1/classify?top=1&classifier=FLOWERS", raw));
        var top = Assert.Single(daisy.GetProperty("predictions").EnumerateArray());
        Assert.Equal("daisy", top.GetProperty("label").GetString());
    }

    [Fact]
    public async Task Classifiers_are_listed_with_classes_backbone_and_metrics()
    {
        var list = (await Json(await Client.GetAsync("/v1/classifiers"))).EnumerateArray().ToList();
        Assert.Equal(["broken", "flowers"], list.Select(c => c.GetProperty("name").GetString()));
        var flowers = list[1];
        Assert.Equal(ClassifierServerFixture.Classes, flowers.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(Embedders.DefaultModel, flowers.GetProperty("backbone").GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.String, flowers.GetProperty("trainedAt").ValueKind);
        Assert.InRange(flowers.GetProperty("metrics").GetProperty("accuracy").GetDouble(), 0, 1);
        Assert.False(flowers.TryGetProperty("error", out _));
        Assert.Contains("not a Sightline classifier", list[0].GetProperty("error").GetString());

        var document = await Json(await Client.GetAsync("/openapi/v1.json"));
        Assert.True(document.GetProperty("paths").TryGetProperty("/v1/classify", out _));
        Assert.True(document.GetProperty("paths").TryGetProperty("/v1/classifiers", out _));
    }

    [Fact]
    public async Task Errors_answer_problem_details_with_stable_codes()
    {
        var photo = File.ReadAllBytes(ClassifierServerFixture.Unseen("daisy"));
        await AssertProblem(await Client.PostAsync("/v1/classify?classifier=pets", Form(photo)), HttpStatusCode.NotFound, "unknown_classifier");
        await AssertProblem(await Client.PostAsync("/v1/classify?classifier=flowers&top=0", Form(photo)), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        await AssertProblem(await Client.PostAsync("/v1/classify?classifier=broken", Form(photo)), HttpStatusCode.ServiceUnavailable, "classifier_unavailable");
        await AssertProblem(await Client.PostAsync("/v1/classify?classifier=flowers", Form(photo[..3000])), HttpStatusCode.BadRequest, "truncated_image");
        var corrupt = photo.ToArray();
        for (var i = 20; i < 400; i++) corrupt[i] = 0xFF;
        var response = await Client.PostAsync("/v1/classify?classifier=flowers", Form(corrupt));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertProblem(await Client.PostAsync("/v1/classify?classifier=flowers", new StringContent("hello", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }
}
