using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared;
using Sightline.Vision.Classification;
using Sightline.Vision.Embeddings;

namespace Sightline.Cli.Tests.Parity;

/// <summary>A real server on a free loopback port, for holding the CLI and the API to the same answers.</summary>
public sealed class ParityServer : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-parity-").FullName;
    private WebApplication _app = null!;

    public HttpClient Client { get; private set; } = null!;

    public static string Sanity(string name) => Path.Combine(TestPaths.Data("sanity"), name);

    /// <summary>The classes of the classifier the server runs as "flowers".</summary>
    public static readonly string[] FlowerClasses = ["daisy", "sunflowers"];

    /// <summary>A photo of a flower class that the classifier did not see in training.</summary>
    public static string UnseenFlower(string className) =>
        Directory.GetFiles(Path.Combine(TestPaths.Data("flowers-5"), className)).Order(StringComparer.Ordinal).Last();

    /// <summary>The classifier file the server runs as "flowers" (daisy against sunflowers, trained on eight photos of each).</summary>
    public string ClassifierPath => Path.Combine(_dir, "flowers.sightline");

    public async Task InitializeAsync()
    {
        TrainClassifier();
        _app = SightlineServer.Build(new ServerOptions
            {
                Urls = "http://127.0.0.1:0", GalleryPath = Path.Combine(_dir, "faces.gallery"),
                Classifiers = new Dictionary<string, string> { ["flowers"] = ClassifierPath },
            },
            logging => logging.SetMinimumLevel(LogLevel.Warning));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(3) };
    }

    /// <summary>Posts an image file as the raw body.</summary>
    public Task<HttpResponseMessage> PostImageAsync(string pathAndQuery, string image)
    {
        var body = new ByteArrayContent(File.ReadAllBytes(image));
        body.Headers.ContentType = new MediaTypeHeaderValue(image.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? "image/png" : "image/jpeg");
        return Client.PostAsync(pathAndQuery, body);
    }

    /// <summary>Posts images as multipart/form-data, one file per (field, path).</summary>
    public Task<HttpResponseMessage> PostFormAsync(string pathAndQuery, params (string Field, string Image)[] images)
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, image) in images)
        {
            var file = new ByteArrayContent(File.ReadAllBytes(image));
            file.Headers.ContentType = new MediaTypeHeaderValue(image.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? "image/png" : "image/jpeg");
            form.Add(file, field, Path.GetFileName(image));
        }
        return Client.PostAsync(pathAndQuery, form);
    }

    private void TrainClassifier()
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, "train")).FullName;
        foreach (var c in FlowerClasses)
        {
            var folder = Directory.CreateDirectory(Path.Combine(root, c)).FullName;
            foreach (var photo in Directory.GetFiles(Path.Combine(TestPaths.Data("flowers-5"), c)).Order(StringComparer.Ordinal).Take(8))
                File.Copy(photo, Path.Combine(folder, Path.GetFileName(photo)));
        }
        using var models = new PretrainedModels();
        var backbone = models.Get(Embedders.DefaultModel);
        var embedder = Embedders.Create(backbone, models.Engine, new EmbedderOptions(8));
        var (model, _) = ClassifierTraining.TrainFolder(LabelledFolder.Scan(root), backbone, embedder, new ClassifierTrainingOptions(Folds: 4));
        ClassifierFile.Save(model, ClassifierPath);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
