using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Sightline.Vision.Similarity;

namespace Sightline.Bench;

/// <summary>
/// Loopback load test of <c>sightline serve</c> (a separate process): N concurrent clients post photos for
/// a fixed time, once with dynamic batching and once without; throughput, latency percentiles, errors and
/// the server's resident memory after warm-up and at the end.
/// </summary>
public static class LoadBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clients = int.Parse(BenchHarness.Option(args, "--clients") ?? "32");
        var seconds = double.Parse(BenchHarness.Option(args, "--seconds") ?? "60", System.Globalization.CultureInfo.InvariantCulture);
        var warmup = double.Parse(BenchHarness.Option(args, "--warmup") ?? "10", System.Globalization.CultureInfo.InvariantCulture);
        var endpoint = BenchHarness.Option(args, "--endpoint") ?? "/v1/embeddings";
        var folder = BenchHarness.Option(args, "--images") ?? Path.Combine(BenchHarness.SharedData(), "flowers-5");
        var photos = SimilarityIndex.ImageFiles(folder).Select(File.ReadAllBytes).ToArray();
        Console.WriteLine($"load benchmark: {clients} clients x {seconds:0} s on POST {endpoint} with {photos.Length} photos from {folder}; {BenchHarness.Machine()}");
        Console.WriteLine($"command: {BenchHarness.CommandLine(args)}");

        var rows = new List<Row>();
        foreach (var (mode, serverArgs) in new[] { ("dynamic batching (window 5 ms, batch 8)", "--batch-window-ms 5 --max-batch 8"), ("no batching (batch 1)", "--batch-window-ms 0 --max-batch 1") })
        {
            var port = FreePort();
            using var server = StartServer(port, $"{serverArgs} --queue 256");
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
                await WaitReadyAsync(http);
                await DriveAsync(http, endpoint, photos, clients, TimeSpan.FromSeconds(warmup));
                var rssAfterWarmup = ResidentMegabytes(server.Id);
                var run = await DriveAsync(http, endpoint, photos, clients, TimeSpan.FromSeconds(seconds));
                var rssAtEnd = ResidentMegabytes(server.Id);
                rows.Add(new Row(mode, run.Ok, run.Errors, run.Seconds, run.Percentile(50), run.Percentile(95), run.Percentile(99), rssAfterWarmup, rssAtEnd));
            }
            finally
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }

        Console.WriteLine();
        Console.WriteLine("| mode | requests | errors | requests/s | p50 ms | p95 ms | p99 ms | RSS after warm-up MB | RSS at end MB | RSS change |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
            Console.WriteLine($"| {r.Mode} | {r.Requests} | {r.Errors} | {r.Throughput:0.0} | {r.P50:0} | {r.P95:0} | {r.P99:0} | {r.RssAfterWarmupMb:0} | {r.RssAtEndMb:0} | {100 * (r.RssAtEndMb / r.RssAfterWarmupMb - 1):+0.0;-0.0} % |");
        Console.WriteLine();
        Console.WriteLine($"dynamic batching gives {rows[0].Throughput / rows[1].Throughput:0.00}x the throughput of no batching");
        BenchHarness.WriteJson(BenchHarness.Option(args, "--json"), new { clients, seconds, endpoint, rows });
        return rows.All(r => r.Errors == 0) ? 0 : 1;
    }

    public sealed record Row(string Mode, int Requests, int Errors, double Seconds, double P50, double P95, double P99, double RssAfterWarmupMb, double RssAtEndMb)
    {
        public double Throughput => Requests / Seconds;
    }

    private sealed record RunResult(int Ok, int Errors, double Seconds, double[] LatenciesMs)
    {
        public double Percentile(double p)
        {
            if (LatenciesMs.Length == 0) return double.NaN;
            var sorted = LatenciesMs.Order().ToArray();
            return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
        }
    }

    private static async Task<RunResult> DriveAsync(HttpClient http, string endpoint, byte[][] photos, int clients, TimeSpan duration)
    {
        var latencies = new List<double>[clients];
        var errors = 0;
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            latencies[c] = [];
            var i = c;
            while (stop.Elapsed < duration)
            {
                var content = new ByteArrayContent(photos[i++ % photos.Length]);
                content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.PostAsync(endpoint, content);
                    await response.Content.ReadAsByteArrayAsync();
                    if (response.StatusCode == HttpStatusCode.OK)
                        latencies[c].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    else
                        Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        var all = latencies.SelectMany(l => l).ToArray();
        return new RunResult(all.Length, errors, stop.Elapsed.TotalSeconds, all);
    }

    internal static Process StartServer(int port, string extra)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "sightline.dll");
        var start = new ProcessStartInfo("dotnet", $"\"{dll}\" serve --urls http://127.0.0.1:{port} {extra}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the server");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitReadyAsync(HttpClient http)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the server did not start within 30 s");
    }

    internal static double ResidentMegabytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
