using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Sightline.Server.Telemetry;

/// <summary>
/// Request counts and latency histograms per endpoint and status, served as Prometheus text at
/// /metrics. Only route templates are recorded, never request content.
/// </summary>
public sealed class RequestMetrics
{
    private static readonly double[] BucketsMs = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
    private readonly ConcurrentDictionary<(string Route, int Status), Series> _series = new();

    public async Task MiddlewareAsync(HttpContext context, Func<Task> next)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await next().ConfigureAwait(false);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            var series = _series.GetOrAdd((route, context.Response.StatusCode), _ => new Series());
            series.Record(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }

    public string Render()
    {
        var text = new StringBuilder();
        text.AppendLine("# HELP sightline_http_requests_total Requests served, by route and status.");
        text.AppendLine("# TYPE sightline_http_requests_total counter");
        foreach (var ((route, status), series) in _series.OrderBy(s => s.Key.Route).ThenBy(s => s.Key.Status))
            text.AppendLine(CultureInfo.InvariantCulture, $"sightline_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {series.Count}");
        text.AppendLine("# HELP sightline_http_request_duration_ms Request duration in milliseconds.");
        text.AppendLine("# TYPE sightline_http_request_duration_ms histogram");
        foreach (var ((route, status), series) in _series.OrderBy(s => s.Key.Route).ThenBy(s => s.Key.Status))
        {
            var labels = $"route=\"{route}\",status=\"{status}\"";
            var snapshot = series.Snapshot();
            long cumulative = 0;
            for (var i = 0; i < BucketsMs.Length; i++)
            {
                cumulative += snapshot.Buckets[i];
                text.AppendLine(CultureInfo.InvariantCulture, $"sightline_http_request_duration_ms_bucket{{{labels},le=\"{BucketsMs[i]}\"}} {cumulative}");
            }
            text.AppendLine(CultureInfo.InvariantCulture, $"sightline_http_request_duration_ms_bucket{{{labels},le=\"+Inf\"}} {snapshot.Count}");
            text.AppendLine(CultureInfo.InvariantCulture, $"sightline_http_request_duration_ms_sum{{{labels}}} {snapshot.SumMs:0.###}");
            text.AppendLine(CultureInfo.InvariantCulture, $"sightline_http_request_duration_ms_count{{{labels}}} {snapshot.Count}");
        }
        return text.ToString();
    }

    private sealed class Series
    {
        private readonly Lock _gate = new();
        private readonly long[] _buckets = new long[BucketsMs.Length + 1];
        private long _count;
        private double _sumMs;

        public long Count { get { lock (_gate) return _count; } }

        public void Record(double ms)
        {
            var bucket = Array.FindIndex(BucketsMs, b => ms <= b);
            lock (_gate)
            {
                _buckets[bucket < 0 ? BucketsMs.Length : bucket]++;
                _count++;
                _sumMs += ms;
            }
        }

        public (long[] Buckets, long Count, double SumMs) Snapshot()
        {
            lock (_gate)
                return ((long[])_buckets.Clone(), _count, _sumMs);
        }
    }
}
