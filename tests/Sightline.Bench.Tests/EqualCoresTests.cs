using Sightline.Bench;
using Sightline.Tests.Shared;

namespace Sightline.Bench.Tests;

/// <summary>What puts a benchmark and its peer on the same cores: the --cores option, the CPU pin, the shares and the barrier.</summary>
public class EqualCoresTests
{
    [Fact]
    public void Cores_option_gives_one_core_all_cores_or_both_in_that_order()
    {
        var all = Environment.ProcessorCount;
        Assert.Equal([1], BenchHarness.CoreSettings(["detect", "--cores", "1"]).Select(c => c.Count));
        Assert.Equal([all], BenchHarness.CoreSettings(["detect", "--cores", "all"]).Select(c => c.Count));
        Assert.Equal(all == 1 ? [1] : [1, all], BenchHarness.CoreSettings(["detect"]).Select(c => c.Count));
    }

    [Theory]
    [InlineData("--cores", "3", "--cores")]
    [InlineData("--cores", "every", "--cores")]
    [InlineData("--threads", "2", "--threads")]
    public void A_cores_value_it_cannot_take_is_an_error_naming_the_option(string option, string value, string named)
    {
        var e = Assert.Throws<BenchOptionException>(() => BenchHarness.CoreSettings(["detect", option, value]));
        Assert.StartsWith(named, e.Message);
    }

    [Fact]
    public void Workers_are_one_per_core_but_never_more_than_the_items()
    {
        Assert.Equal(4, new CoreSetting(4).Workers(13));
        Assert.Equal(2, new CoreSetting(4).Workers(2));
        Assert.Equal(1, new CoreSetting(4).Workers(0));
        Assert.Equal("4 v 4", new CoreSetting(4).Label);
    }

    [Fact]
    public void Cpus_reads_every_set_bit_of_every_word()
    {
        var mask = new ulong[16];
        mask[0] = 0b1010;
        mask[1] = 1;
        Assert.Equal([1, 3, 64], CpuPin.Cpus(mask));
    }

    [Fact]
    public void Pinning_holds_threads_started_meanwhile_to_one_cpu_and_dispose_gives_every_thread_its_cpus_back()
    {
        var before = AllowedCpus();
        if (!OperatingSystem.IsLinux() || before.Count < 2)
        {
            using var none = CpuPin.To(1);
            Assert.Contains("not pinned", none.Description);
            return;
        }
        string? insideNewThread = null;
        using var release = new ManualResetEventSlim();
        using var measured = new ManualResetEventSlim();
        string? afterDispose = null;
        Thread worker;
        using (var pin = CpuPin.To(1))
        {
            Assert.Equal(before[0].ToString(System.Globalization.CultureInfo.InvariantCulture), Cpus(AllowedCpus()));
            worker = new Thread(() =>
            {
                insideNewThread = Cpus(AllowedCpus());
                measured.Set();
                release.Wait();
                afterDispose = Cpus(AllowedCpus());
            });
            worker.Start();
            measured.Wait();
            Assert.Contains("pinned to CPU", pin.Description);
        }
        release.Set();
        worker.Join();
        Assert.Equal(before[0].ToString(System.Globalization.CultureInfo.InvariantCulture), insideNewThread);
        Assert.Equal(Cpus(before), afterDispose);
        Assert.Equal(Cpus(before), Cpus(AllowedCpus()));
    }

    [Fact]
    public void Shares_deal_the_list_round_robin_and_keep_each_line_s_place()
    {
        var folder = Directory.CreateTempSubdirectory("sightline-shares-");
        try
        {
            var list = Path.Combine(folder.FullName, "images.jsonl");
            File.WriteAllLines(list, ["a", "b", "c", "d", "e"]);
            var shares = NodeReference.Shard(list, 2);
            Assert.Equal(2, shares.Count);
            Assert.Equal([0, 2, 4], shares[0].Indices);
            Assert.Equal([1, 3], shares[1].Indices);
            Assert.Equal(["a", "c", "e"], File.ReadAllLines(shares[0].ListFile));
            Assert.Equal(["b", "d"], File.ReadAllLines(shares[1].ListFile));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Workers_runs_combine_in_list_order_and_the_set_lasts_as_long_as_the_slowest_worker()
    {
        static FaceReferences.Image Image(string file, double ms) => new(file, 10, 10, ms, 0, [ms], ms, [], null, null);
        static FaceReferences.Run Run(params FaceReferences.Image[] images) =>
            new(FaceReferences.Library.Human, "3.3.6", "4.22.0", "wasm", true, false, 100, 1, 1, images, 0, images.Sum(i => i.Ms), images.Sum(i => i.Ms));
        var combined = FaceReferences.Combine([Run(Image("a", 10), Image("c", 30)), Run(Image("b", 5))], [[0, 2], [1]]);
        Assert.Equal(["a", "b", "c"], combined.Images.Select(i => i.File));
        Assert.Equal([0, 1, 0], combined.Images.Select(i => i.Worker));
        Assert.Equal(2, combined.Workers);
        Assert.Equal(40, combined.SetMs(3)); // worker 1: 10 + 30; worker 2: 5
        Assert.Equal(10, combined.SetMs(2)); // the first two images: a (worker 1), b (worker 2)
        Assert.Equal(40, combined.WallMs);
        Assert.Equal(45, combined.CpuMs);
    }

    [Fact]
    public void Callers_together_each_make_every_call_and_a_failing_one_ends_the_wait_for_the_others()
    {
        var calls = 0;
        var median = BenchHarness.MedianMsTogether(() => Interlocked.Increment(ref calls), workers: 3, runs: 4, warmup: 2);
        Assert.Equal(3 * (2 + 4), calls);
        Assert.True(median >= 0);

        var started = 0;
        var e = Assert.Throws<InvalidOperationException>(() => BenchHarness.MedianMsTogether(() =>
        {
            if (Interlocked.Increment(ref started) == 1)
                throw new FormatException("first call");
        }, workers: 2, runs: 2, warmup: 1));
        Assert.Contains("first call", e.Message);
    }

    [Fact]
    public async Task Node_copies_at_the_barrier_are_released_together_and_their_outputs_come_back_in_order()
    {
        var common = Path.Combine(TestPaths.RepoRoot, "tools", "common", "reference-io.js").Replace("\\", "/", StringComparison.Ordinal);
        // Each copy waits at the shared barrier, then prints when it was released and its own number.
        var script = $"const {{ barrier }} = require('{common}'); barrier().then(() => {{ console.log(Date.now() + ' ' + process.argv[1]); process.exit(0); }});";
        var outputs = await NodeReference.RunTogetherAsync(NodeReference.DefaultNode(), TestPaths.RepoRoot,
            [["-e", script, "1"], ["-e", script, "2"], ["-e", script, "3"]]);
        var lines = outputs.Select(o => o.Trim().Split(' ')).ToList();
        Assert.Equal(["1", "2", "3"], lines.Select(l => l[1]));
        var released = lines.Select(l => long.Parse(l[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(released.Max() - released.Min() < 2000, $"released {string.Join(", ", released)}");
    }

    [Fact]
    public async Task A_copy_that_fails_before_the_barrier_stops_the_run_and_is_named()
    {
        var common = Path.Combine(TestPaths.RepoRoot, "tools", "common", "reference-io.js").Replace("\\", "/", StringComparison.Ordinal);
        var waits = $"const {{ barrier }} = require('{common}'); barrier().then(() => {{ console.log('released'); process.exit(0); }});";
        var fails = "console.error('no model here'); process.exit(3);";
        var run = NodeReference.RunTogetherAsync(NodeReference.DefaultNode(), TestPaths.RepoRoot, [["-e", waits], ["-e", fails]]);
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(1)));
        Assert.Same(run, finished);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => run);
        Assert.Contains("process 2 of 2", e.Message);
        Assert.Contains("exit code 3", e.Message);
        Assert.Contains("no model here", e.Message);
    }

    /// <summary>The CPUs this thread may run on, from /proc (Linux), else every processor.</summary>
    private static List<int> AllowedCpus()
    {
        if (!OperatingSystem.IsLinux())
            return Enumerable.Range(0, Environment.ProcessorCount).ToList();
        var line = File.ReadLines("/proc/thread-self/status").First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
        var cpus = new List<int>();
        foreach (var part in line["Cpus_allowed_list:".Length..].Trim().Split(','))
        {
            var range = part.Split('-').Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            cpus.AddRange(Enumerable.Range(range[0], range[^1] - range[0] + 1));
        }
        return cpus;
    }

    private static string Cpus(IEnumerable<int> cpus) => string.Join(",", cpus);
}
