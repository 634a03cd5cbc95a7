using System.Net;
using System.Text.Json;
using Sightline.Library;
using Sightline.Server.Api;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared;

using static Sightline.Server.Tests.Api.ApiAssert;

namespace Sightline.Server.Tests.Api;

/// <summary>A new library with one source folder of photos that only scans over the API ingest, and its server.</summary>
public sealed class LibraryScanServerFixture : IAsyncLifetime
{
    public static readonly string[] Names = ["dog.jpg", "bus.jpg", "horses.jpg", "person.jpg", "kite.jpg", "chelsea.png"];

    public string Root { get; } = Directory.CreateTempSubdirectory("sightline-libscan-").FullName;
    public string Source => Path.Combine(Root, "photos");
    public RunningServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Source);
        foreach (var name in Names)
            File.Copy(Path.Combine(TestPaths.Data("sanity"), name), Path.Combine(Source, name));
        var folder = Path.Combine(Root, "library");
        // Thumbnails only: the scan needs no model, so these tests run without the model cache.
        await using (var library = await PhotoLibrary.InitAsync(folder, settings: LibrarySettings.Default with { Tasks = [] }))
            await library.AddFoldersAsync([Source]);
        Server = await RunningServer.StartAsync(new ServerOptions { Library = folder });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>POST /v1/library/scan: a background scan whose progress shows in the status while readers page.</summary>
public sealed class LibraryScanApiTests(LibraryScanServerFixture fixture) : IClassFixture<LibraryScanServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private HttpClient Client => fixture.Server.Client;

    private async Task<List<long>> AllIdsAsync()
    {
        var ids = new List<long>();
        string? cursor = null;
        do
        {
            var page = await Json(await Client.GetAsync("/v1/library/photos?limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))));
            ids.AddRange(page.GetProperty("photos").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()));
            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        return ids;
    }

    private async Task<JsonElement> ScanEndedAsync()
    {
        using var patience = new CancellationTokenSource(Patience);
        while (true)
        {
            var scan = (await Json(await Client.GetAsync("/v1/library/status", patience.Token))).GetProperty("scan");
            if (!scan.GetProperty("running").GetBoolean())
                return scan.Clone();
            await Task.Delay(50, patience.Token);
        }
    }

    [Fact]
    public async Task A_scan_started_over_the_api_ingests_the_folder_while_a_reader_pages()
    {
        var response = await Client.PostAsync("/v1/library/scan", null);
        var started = await Json(response);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(LibraryEndpoints.StatusPath, response.Headers.Location?.OriginalString);
        Assert.True(started.GetProperty("running").GetBoolean());

        // A reader pages the whole time the scan writes: every pass sees each photo at most once.
        var passes = 0;
        while ((await Json(await Client.GetAsync("/v1/library/status"))).GetProperty("scan").GetProperty("running").GetBoolean() || passes == 0)
        {
            var ids = await AllIdsAsync();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.InRange(ids.Count, 0, LibraryScanServerFixture.Names.Length);
            passes++;
        }

        var scan = await ScanEndedAsync();
        Assert.False(scan.TryGetProperty("error", out var error), error.ToString());
        var report = scan.GetProperty("report");
        var newPhotos = report.GetProperty("newPhotos").GetInt32();
        Assert.Equal(LibraryScanServerFixture.Names.Length, newPhotos + report.GetProperty("unchanged").GetInt32());
        Assert.Equal(scan.GetProperty("startedAt").GetDateTimeOffset(), started.GetProperty("startedAt").GetDateTimeOffset());

        var all = await AllIdsAsync();
        Assert.Equal(LibraryScanServerFixture.Names.Length, all.Distinct().Count());
        var status = (await Json(await Client.GetAsync("/v1/library/status"))).GetProperty("library");
        Assert.Equal(LibraryScanServerFixture.Names.Length, status.GetProperty("counts").GetProperty("photos").GetInt64());
        foreach (var id in all)
            Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"/v1/library/photos/{id}/thumbnail")).StatusCode);
    }

    [Fact]
    public async Task A_second_scan_while_one_runs_is_409_scan_running()
    {
        var hold = new TaskCompletionSource<IngestReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        var scans = fixture.Server.Get<LibraryServices>().Scans;
        var report = new IngestReport(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, TimeSpan.Zero, new Dictionary<string, double>(), []);
        using var patience = new CancellationTokenSource(Patience);
        // A scan that runs until the test lets it end, so that the second request surely meets it.
        while (scans.TryStart((_, _) => hold.Task) is null)
            await Task.Delay(50, patience.Token);
        try
        {
            var response = await Client.PostAsync("/v1/library/scan", null);
            await AssertProblem(response, HttpStatusCode.Conflict, "scan_running");
            Assert.Contains(LibraryEndpoints.StatusPath, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.True((await Json(await Client.GetAsync("/v1/library/status"))).GetProperty("scan").GetProperty("running").GetBoolean());
        }
        finally
        {
            hold.SetResult(report);
        }
        Assert.False((await ScanEndedAsync()).GetProperty("running").GetBoolean());
    }
}
