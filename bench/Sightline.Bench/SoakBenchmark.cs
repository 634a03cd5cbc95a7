using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Sightline.Bench;

/// <summary>
/// Soak run of <c>sightline serve --library</c> (a separate process) while the library ingests: many clients for a
/// long time over loopback, mixing detect, faces, segment, analyze, library searches, photo details, thumbnails and
/// people renames, with a share of bad uploads (empty, truncated, not an image, too large, a decompression bomb).
/// Reports requests and statuses per kind with latency percentiles, the server's resident memory over time (a CSV
/// and an SVG plot), and fails on any 5xx, on a bad upload not refused with a 4xx, on a good request refused, or on
/// memory growing more than the allowed share after warm-up.
/// </summary>
public static class SoakBenchmark
{
    private sealed record Sample(string Kind, int Status, double Ms, bool Bad, string? Failure = null);

    public static async Task<int> RunAsync(string[] args)
    {
        var clients = int.Parse(BenchHarness.Option(args, "--clients") ?? "32", CultureInfo.InvariantCulture);
        var seconds = double.Parse(BenchHarness.Option(args, "--seconds") ?? "600", CultureInfo.InvariantCulture);
        var warmup = double.Parse(BenchHarness.Option(args, "--warmup") ?? "60", CultureInfo.InvariantCulture);
        var photosToIngest = int.Parse(BenchHarness.Option(args, "--photos") ?? "356", CultureInfo.InvariantCulture);
        var feedEvery = double.Parse(BenchHarness.Option(args, "--feed-every") ?? "60", CultureInfo.InvariantCulture);
        var maxGrowth = double.Parse(BenchHarness.Option(args, "--max-growth") ?? "10", CultureInfo.InvariantCulture);
        var svg = BenchHarness.Option(args, "--svg");
        var data = BenchHarness.SharedData();
        Console.WriteLine($"soak: {clients} clients x {seconds:0} s (after {warmup:0} s of warm-up) on sightline serve --library, ingesting {photosToIngest} photos; {BenchHarness.Machine()}");
        Console.WriteLine($"command: {BenchHarness.CommandLine(args)}");

        var root = Directory.CreateTempSubdirectory("sightline-soak-").FullName;
        Process? server = null;
        try
        {
            // The library: a few photos ingested before the run (so there are people and thumbnails to ask for),
            // the rest added as the run starts, so that ingestion runs beside the clients.
            var source = Directory.CreateDirectory(Path.Combine(root, "photos")).FullName;
            var all = Directory.EnumerateFiles(Path.Combine(data, "faces-bbt", "images"), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Concat(Directory.EnumerateFiles(Path.Combine(data, "faces-lfw"), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                .Concat(Directory.EnumerateFiles(Path.Combine(data, "coco128-train", "images")).Order(StringComparer.Ordinal))
                .Take(photosToIngest).ToList();
            // Before the run: faces, so that the library has people to rename from the start, and scenes with objects and
            // text, so that every model the analyses load lazily (text recognition only once text is found) is in memory
            // before the warm-up ends.
            var scenes = all.Where(f => f.Contains("coco128", StringComparison.Ordinal)).Take(20).ToList();
            var first = all.Except(scenes).Take(Math.Min(30, all.Count / 2)).Concat(scenes).ToList();
            foreach (var (file, i) in first.Select((f, i) => (f, i)))
                File.Copy(file, Path.Combine(source, $"first-{i:D4}{Path.GetExtension(file)}"));
            var library = Path.Combine(root, "library");
            Sightline(["library", "init", library]);
            Sightline(["library", "add", library, source]);

            var port = LoadBenchmark.FreePort();
            // Uploads up to 2 MB, so that an oversized one is cheap to send; a queue that holds every client's image.
            server = LoadBenchmark.StartServer(port, $"--library \"{library}\" --queue 256 --max-image-mb 2");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(120) };
            // serve opens the library before it listens: healthy means the library is ready.
            await LoadBenchmark.WaitReadyAsync(http);
            // The warm-up includes the first scan to its end: it loads every model of the library's analyses once,
            // memory that stays and that the growth rule must not count as a leak.
            var firstScan = Stopwatch.StartNew();
            await WaitForScanAsync(http);
            Console.WriteLine($"first scan done in {firstScan.Elapsed.TotalSeconds:0} s");
            var uploads = Uploads(data);
            var ids = await PhotoIdsAsync(http);
            var people = await PeopleIdsAsync(http);
            if (ids.Count == 0)
                throw new BenchOptionException("the library has no photo to ask for: give --photos at least 2");
            Console.WriteLine($"library ready: {ids.Count} photos, {people.Count} people; adding {all.Count - first.Count} more in batches every {feedEvery:0} s, each scanned, while the clients run");

            // New photos arrive in batches through the run, each followed by a scan, so that ingestion goes on beside the clients.
            var rest = all.Except(first).ToList();
            var batches = rest.Chunk(Math.Max(1, (int)Math.Ceiling(rest.Count / Math.Max(1, (warmup + seconds) / feedEvery)))).ToList();
            using var feeding = new CancellationTokenSource();
            var scansStarted = 0;
            var feeder = Task.Run(async () =>
            {
                var n = 0;
                foreach (var batch in batches)
                {
                    foreach (var file in batch)
                        File.Copy(file, Path.Combine(source, $"more-{n++:D4}{Path.GetExtension(file)}"));
                    // A scan still running picks the files up at the next one.
                    using var started = await http.PostAsync("/v1/library/scan", null);
                    if (started.IsSuccessStatusCode)
                        Interlocked.Increment(ref scansStarted);
                    try { await Task.Delay(TimeSpan.FromSeconds(feedEvery), feeding.Token); } catch (OperationCanceledException) { return; }
                }
            });

            var memory = new List<(double Seconds, double Mb)>();
            var clock = Stopwatch.StartNew();
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    memory.Add((clock.Elapsed.TotalSeconds, LoadBenchmark.ResidentMegabytes(server.Id)));
                    try { await Task.Delay(TimeSpan.FromSeconds(5), sampling.Token); } catch (OperationCanceledException) { }
                }
            });

            var warm = await DriveAsync(http, uploads, ids, people, clients, TimeSpan.FromSeconds(warmup), seed: 1);
            var warmEnd = clock.Elapsed.TotalSeconds;
            var run = await DriveAsync(http, uploads, ids, people, clients, TimeSpan.FromSeconds(seconds), seed: 2);
            var runEnd = clock.Elapsed.TotalSeconds;
            sampling.Cancel();
            feeding.Cancel();
            await sampler;
            await feeder;
            var status = JsonDocument.Parse(await http.GetStringAsync("/v1/library/status")).RootElement;
            var photos = status.GetProperty("library").GetProperty("counts").GetProperty("photos").GetInt64();

            Console.WriteLine();
            Console.WriteLine("| requests | count | 2xx | 4xx | 5xx | other | p50 ms | p95 ms | p99 ms |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var group in run.GroupBy(s => s.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Append(run.GroupBy(_ => "all").Single()))
            {
                var list = group.ToList();
                var ms = list.Select(s => s.Ms).Order().ToArray();
                Console.WriteLine($"| {group.Key} | {list.Count} | {list.Count(s => s.Status is >= 200 and < 300)} | {list.Count(s => s.Status is >= 400 and < 500)} | " +
                    $"{list.Count(s => s.Status >= 500)} | {list.Count(s => s.Status is < 200 or (>= 300 and < 400))} | {P(ms, 50):0} | {P(ms, 95):0} | {P(ms, 99):0} |");
            }
            var fiveHundreds = run.Count(s => s.Status >= 500) + warm.Count(s => s.Status >= 500);
            var badNotRefused = run.Count(s => s.Bad && s.Status is < 400 or >= 500);
            var goodRefused = run.Count(s => !s.Bad && s.Status is not (>= 200 and < 300));
            // Medians of the samples (every 5 s) in the first and the last minute of the measured run: one sample swings by
            // hundreds of MB as the collector runs, which would decide the 10 % rule by chance.
            var rssAfterWarmup = Median(memory.Where(m => m.Seconds >= warmEnd && m.Seconds < warmEnd + 60).Select(m => m.Mb));
            var rssAtEnd = Median(memory.Where(m => m.Seconds > runEnd - 60 && m.Seconds <= runEnd).Select(m => m.Mb));
            var growth = 100 * (rssAtEnd / rssAfterWarmup - 1);
            foreach (var failure in run.Where(s => s.Failure is not null).GroupBy(s => (s.Kind, s.Failure)).Take(10))
                Console.WriteLine($"no answer: {failure.Count()} x {failure.Key.Kind}: {failure.Key.Failure}");
            Console.WriteLine();
            Console.WriteLine($"{run.Count / seconds:0.0} requests/s; 5xx: {fiveHundreds}; bad uploads not refused with a 4xx: {badNotRefused}; good requests not answered 2xx: {goodRefused}");
            Console.WriteLine($"resident memory (median of a minute's samples) after warm-up {rssAfterWarmup:0} MB, in the last minute {rssAtEnd:0} MB ({growth:+0.0;-0.0} %), peak {memory.Max(m => m.Mb):0} MB; library photos at the end: {photos} of {all.Count}, in {scansStarted} scans during the run");
            if (svg is not null)
            {
                File.WriteAllText(svg, Plot(memory, warmup));
                Console.WriteLine($"memory plot: {svg}");
            }
            BenchHarness.WriteJson(BenchHarness.Option(args, "--json"), new
            {
                clients, seconds, warmup, rssAfterWarmup, rssAtEnd, growth, fiveHundreds, badNotRefused, goodRefused, photos,
                memory = memory.Select(m => new { m.Seconds, m.Mb }),
                kinds = run.GroupBy(s => s.Kind).Select(g => new { kind = g.Key, count = g.Count(), statuses = g.GroupBy(s => s.Status).ToDictionary(x => x.Key.ToString(CultureInfo.InvariantCulture), x => x.Count()) }),
            });
            return fiveHundreds == 0 && badNotRefused == 0 && goodRefused == 0 && growth <= maxGrowth ? 0 : 1;
        }
        finally
        {
            if (server is not null)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
            Directory.Delete(root, recursive: true);
        }
    }

    private static double P(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];

    private sealed record UploadSet(byte[][] Good, (string Name, byte[] Bytes, string Type)[] Bad);

    /// <summary>Photos to upload, and the bad uploads: empty, cut in half, text, larger than the server's limit, a PNG declaring 60,000 x 60,000 pixels.</summary>
    private static UploadSet Uploads(string data)
    {
        var good = Directory.EnumerateFiles(Path.Combine(data, "sanity"), "*.jpg").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        var bomb = new List<byte>([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R']);
        bomb.AddRange(BitConverter.GetBytes(60000).Reverse());
        bomb.AddRange(BitConverter.GetBytes(60000).Reverse());
        bomb.AddRange([8, 6, 0, 0, 0, 0, 0, 0, 0]);
        var oversized = new byte[3 * 1024 * 1024];
        good[0].CopyTo(oversized, 0);
        return new UploadSet(good,
        [
            ("empty", [], "image/jpeg"),
            ("truncated", good[0][..(good[0].Length / 2)], "image/jpeg"),
            ("text", Encoding.UTF8.GetBytes("this is not an image, only words"), "image/jpeg"),
            ("oversized", oversized, "image/jpeg"),
            ("bomb", bomb.ToArray(), "image/png"),
        ]);
    }

    private static async Task<List<long>> PhotoIdsAsync(HttpClient http)
    {
        var page = JsonDocument.Parse(await http.GetStringAsync("/v1/library/photos?limit=500")).RootElement;
        return page.GetProperty("photos").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()).ToList();
    }

    private static async Task<List<long>> PeopleIdsAsync(HttpClient http) =>
        JsonDocument.Parse(await http.GetStringAsync("/v1/library/people")).RootElement.EnumerateArray().Select(p => p.GetProperty("id").GetInt64()).ToList();

    private static readonly string[] Queries = ["object:person", "emotion:happy", "object:dog", "kind:photo", "text:pizza", "object:person emotion:neutral", "after:2020-01"];

    private static async Task<List<Sample>> DriveAsync(HttpClient http, UploadSet uploads, List<long> ids, List<long> people, int clients, TimeSpan duration, int seed)
    {
        var samples = new List<Sample>[clients];
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            samples[c] = [];
            var random = new Random(seed * 1000 + c);
            var sent = 0;
            while (stop.Elapsed < duration)
            {
                sent++;
                var roll = random.Next(100);
                var photo = uploads.Good[random.Next(uploads.Good.Length)];
                (string Kind, Func<HttpRequestMessage> Request, bool Bad) pick = roll switch
                {
                    < 5 => Bad(uploads.Bad[random.Next(uploads.Bad.Length)], random),
                    < 18 => ("detect", () => Upload("/v1/detect", photo), false),
                    < 31 => ("faces", () => Upload("/v1/faces", photo), false),
                    < 36 => ("segment", () => Upload("/v1/segment", photo), false),
                    < 44 => ("analyze", () => Upload("/v1/analyze?tasks=detect,faces", photo), false),
                    < 62 => ("search", () => new HttpRequestMessage(HttpMethod.Get, $"/v1/library/search?q={Uri.EscapeDataString(Queries[random.Next(Queries.Length)])}&limit=50"), false),
                    < 72 => ("photo detail", () => new HttpRequestMessage(HttpMethod.Get, $"/v1/library/photos/{ids[random.Next(ids.Count)]}"), false),
                    < 90 => ("thumbnail", () => new HttpRequestMessage(HttpMethod.Get, $"/v1/library/photos/{ids[random.Next(ids.Count)]}/thumbnail{(random.Next(2) == 0 ? "" : "?size=preview")}"), false),
                    < 95 when people.Count > 0 => ("people rename", () => new HttpRequestMessage(HttpMethod.Put, $"/v1/library/people/{people[random.Next(people.Count)]}/name")
                    {
                        Content = JsonContent.Create(new { name = $"Soak {seed}-{c}-{sent}" }),
                    }, false),
                    _ => ("people list", () => new HttpRequestMessage(HttpMethod.Get, "/v1/library/people"), false),
                };
                var start = Stopwatch.GetTimestamp();
                int status;
                string? failure = null;
                try
                {
                    using var request = pick.Request();
                    using var response = await http.SendAsync(request);
                    await response.Content.ReadAsByteArrayAsync();
                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException e) when (pick.Kind == "bad upload (oversized)" && e.InnerException is IOException)
                {
                    // The server answers 413 from the declared length and closes the connection without reading the
                    // body; a client still sending it sees the closed socket before the answer. That is a refusal.
                    status = StatusCodes413;
                    failure = null;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    status = 0;
                    failure = $"{e.GetType().Name}: {e.Message}{(e.InnerException is { } inner ? $" ({inner.Message})" : "")}";
                }
                samples[c].Add(new Sample(pick.Kind, status, Stopwatch.GetElapsedTime(start).TotalMilliseconds, pick.Bad, failure));
            }
        }));
        return samples.SelectMany(s => s).ToList();
    }

    private static (string, Func<HttpRequestMessage>, bool) Bad((string Name, byte[] Bytes, string Type) bad, Random random)
    {
        var endpoint = random.Next(3) switch { 0 => "/v1/detect", 1 => "/v1/faces", _ => "/v1/analyze?tasks=detect" };
        return ($"bad upload ({bad.Name})", () =>
        {
            var request = Upload(endpoint, bad.Bytes);
            request.Content!.Headers.ContentType = new MediaTypeHeaderValue(bad.Type);
            return request;
        }, true);
    }

    private static HttpRequestMessage Upload(string path, byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }

    private const int StatusCodes413 = 413;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Starts a scan when none runs and waits for the library's scan to end.</summary>
    private static async Task WaitForScanAsync(HttpClient http)
    {
        using (await http.PostAsync("/v1/library/scan", null)) { }
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(30))
        {
            var status = JsonDocument.Parse(await http.GetStringAsync("/v1/library/status")).RootElement;
            if (status.TryGetProperty("scan", out var scan) && scan.ValueKind == JsonValueKind.Object && !scan.GetProperty("running").GetBoolean())
                return;
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        throw new TimeoutException("the library's first scan did not end within 30 minutes");
    }

    /// <summary>Resident memory over time as an SVG line, the warm-up shaded.</summary>
    private static string Plot(List<(double Seconds, double Mb)> memory, double warmup)
    {
        const int width = 720, height = 300, left = 60, bottom = 40, top = 20, right = 20;
        var maxT = Math.Max(1, memory.Max(m => m.Seconds));
        var maxMb = Math.Ceiling(memory.Max(m => m.Mb) / 100) * 100;
        double X(double t) => left + (width - left - right) * t / maxT;
        double Y(double mb) => height - bottom - (height - top - bottom) * mb / maxMb;
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">""");
        svg.Append(CultureInfo.InvariantCulture, $"""<rect width="{width}" height="{height}" fill="white"/><rect x="{left}" y="{top}" width="{X(warmup) - left:0.#}" height="{height - top - bottom}" fill="#eee"/>""");
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{left + 4}" y="{top + 14}" fill="#666">warm-up</text>""");
        for (var mb = 0.0; mb <= maxMb; mb += maxMb / 4)
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{left}" x2="{width - right}" y1="{Y(mb):0.#}" y2="{Y(mb):0.#}" stroke="#ddd"/><text x="{left - 6}" y="{Y(mb) + 4:0.#}" text-anchor="end">{mb:0}</text>""");
        for (var t = 0.0; t <= maxT; t += Math.Max(60, Math.Round(maxT / 6 / 60) * 60))
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{X(t):0.#}" y="{height - bottom + 16}" text-anchor="middle">{t / 60:0.#} min</text>""");
        svg.Append(CultureInfo.InvariantCulture, $"""<polyline fill="none" stroke="#1f6feb" stroke-width="2" points="{string.Join(' ', memory.Select(m => FormattableString.Invariant($"{X(m.Seconds):0.#},{Y(m.Mb):0.#}")))}"/>""");
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{left}" y="{height - 6}">resident memory of sightline serve (MB) over the soak run</text></svg>""");
        return svg.ToString();
    }

    private static void Sightline(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sightline.dll"));
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start sightline");
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"sightline {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result}");
    }
}
