using Sightline.Tests.Shared;

namespace Sightline.Fuzz.Tests;

/// <summary>
/// The seed corpus of every target (made in code and taken from the shared data) replayed with the fuzzers' checks:
/// no crash, no hang, no allocation over the bound. Findings fixed since stay fixed through their own regression tests.
/// </summary>
public sealed class CorpusReplayTests
{
    public static TheoryData<string> Targets() => [.. FuzzTargetNames.All];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_seed_passes(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var seeds = target.Seeds(new Sightline.Fuzz.Targets.SeedData(TestPaths.Data("."))).ToList();
        Assert.NotEmpty(seeds);

        var failed = seeds.Select(s => FuzzExecution.Run(target, s.Name, s.Bytes))
            .Where(r => r.Outcome != FuzzOutcome.Passed)
            .Select(r => $"{r.Input}: {r.Outcome} {r.Error}")
            .ToList();

        Assert.True(failed.Count == 0, string.Join("\n", failed));
    }

    [Theory]
    [InlineData("image", 10)]
    [InlineData("metadata", 10)]
    [InlineData("xmp-sidecar", 3)]
    [InlineData("takeout-sidecar", 3)]
    public void The_shared_data_gives_seeds_of_its_own(string name, int atLeast)
    {
        var seeds = FuzzTargets.Find(name)!.Seeds(new Sightline.Fuzz.Targets.SeedData(TestPaths.Data("."))).ToList();
        Assert.True(seeds.Count(s => s.Name.StartsWith("shared-", StringComparison.Ordinal)) >= atLeast, $"{name}: {string.Join(", ", seeds.Select(s => s.Name))}");
        Assert.Equal(seeds.Count, seeds.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count());
    }
}
