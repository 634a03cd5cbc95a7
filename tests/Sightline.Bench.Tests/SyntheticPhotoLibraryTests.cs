using System.Numerics.Tensors;

namespace Sightline.Bench.Tests;

/// <summary>The library-search benchmark's synthetic photos: the distributions its queries depend on.</summary>
public class SyntheticPhotoLibraryTests
{
    private static readonly SyntheticLibraryOptions Options = new() { Photos = 20_000, People = 2_000, Seed = 5 };

    private static readonly Lazy<List<SyntheticPhoto>> Photos = new(() => SyntheticPhotoLibrary.Generate(Options).ToList());

    [Fact]
    public void The_library_has_the_photos_asked_for_and_the_same_seed_gives_the_same_photos()
    {
        var photos = Photos.Value;
        Assert.Equal(Options.Photos, photos.Count);
        Assert.Equal(Enumerable.Range(0, Options.Photos), photos.Select(p => p.Index));
        Assert.Equal(photos.Count, photos.Select(p => p.ContentHash).Distinct().Count());
        var again = SyntheticPhotoLibrary.Generate(Options).Take(50).ToList();
        Assert.Equal(photos.Take(50).Select(p => p.Embedding[0]), again.Select(p => p.Embedding[0]));
        var other = SyntheticPhotoLibrary.Generate(Options with { Seed = 6 }).Take(50).ToList();
        Assert.NotEqual(photos.Take(50).Select(p => p.Embedding[0]), other.Select(p => p.Embedding[0]));
    }

    [Fact]
    public void Photos_have_zero_to_six_faces_most_none_or_one()
    {
        var photos = Photos.Value;
        Assert.All(photos, p => Assert.InRange(p.Faces.Count, 0, 6));
        Assert.InRange(photos.Count(p => p.Faces.Count == 0) / (double)photos.Count, 0.33, 0.42);
        Assert.InRange(photos.Count(p => p.Faces.Count == 1) / (double)photos.Count, 0.25, 0.33);
        Assert.Contains(photos, p => p.Faces.Count == 6);
        // No person twice in one photo: the people store refuses that.
        Assert.All(photos, p => Assert.Equal(p.Faces.Count(f => f.Person is not null), p.Faces.Where(f => f.Person is not null).Select(f => f.Person).Distinct().Count()));
    }

    [Fact]
    public void Photo_counts_of_people_fall_off_with_rank_like_zipf_and_people_appear_together()
    {
        var counts = new int[Options.People];
        foreach (var photo in Photos.Value)
            foreach (var person in photo.Faces.Where(f => f.Person is not null).Select(f => f.Person!.Value))
                counts[person]++;
        var sorted = counts.Where(c => c > 0).OrderDescending().ToArray();
        Assert.True(sorted.Length > Options.People * 0.6, $"{sorted.Length} of {Options.People} people appear");
        Assert.True(sorted[0] >= 30 * sorted[sorted.Length / 2], $"most photographed {sorted[0]}, median {sorted[sorted.Length / 2]}");
        // Log-log slope between rank 10 and rank 500: a heavy tail, neither flat nor all in the top few.
        var slope = (Math.Log(sorted[499]) - Math.Log(sorted[9])) / (Math.Log(500) - Math.Log(10));
        Assert.InRange(slope, -1.6, -0.4);

        var pairs = Photos.Value
            .SelectMany(p => p.Faces.Where(f => f.Person is not null).Select(f => f.Person!.Value).Order().ToList() is var people
                ? people.SelectMany((a, i) => people.Skip(i + 1).Select(b => (a, b)))
                : [])
            .GroupBy(x => x).Count(g => g.Count() >= 10);
        Assert.True(pairs >= 50, $"{pairs} pairs of people share 10 photos or more");
    }

    [Fact]
    public void Expressions_keep_the_frequencies_of_ordinary_photos()
    {
        var faces = Photos.Value.SelectMany(p => p.Faces).ToList();
        double Share(string e) => faces.Count(f => f.Expression == e) / (double)faces.Count;
        Assert.InRange(Share("neutral"), 0.44, 0.50);
        Assert.InRange(Share("happy"), 0.30, 0.36);
        Assert.InRange(Share("fearful"), 0.01, 0.03);
        Assert.All(faces, f => Assert.InRange(f.ExpressionScore, 0.4f, 1f));
        Assert.InRange(faces.Count(f => f.Person is null) / (double)faces.Count, 0.12, 0.30);
    }

    [Fact]
    public void Dates_span_fifteen_years_rise_over_time_and_come_in_bursts()
    {
        var dated = Photos.Value.Where(p => p.TakenAt is not null).ToList();
        Assert.InRange(1 - dated.Count / (double)Options.Photos, 0.02, 0.06);
        var first = Options.LastDay.AddYears(-Options.Years);
        Assert.All(dated, p => Assert.InRange(p.TakenAt!.Value, first, Options.LastDay.AddDays(12)));
        var early = dated.Count(p => p.TakenAt < first.AddYears(5));
        var late = dated.Count(p => p.TakenAt >= Options.LastDay.AddYears(-5));
        Assert.True(late > 1.5 * early, $"{early} photos in the first five years, {late} in the last five");
        // Bursts: a shot a few seconds after the one before.
        var ordered = Photos.Value.Zip(Photos.Value.Skip(1)).Count(x => x.First.TakenAt is { } a && x.Second.TakenAt is { } b && (b - a).TotalSeconds is > 0 and <= 5);
        Assert.InRange(ordered / (double)Options.Photos, 0.08, 0.25);
    }

    [Fact]
    public void Gps_text_cameras_objects_and_videos_have_realistic_shares()
    {
        var photos = Photos.Value;
        double Share(Func<SyntheticPhoto, bool> has) => photos.Count(has) / (double)photos.Count;
        Assert.InRange(Share(p => p.Location is not null), 0.33, 0.47);
        Assert.InRange(Share(p => p.Text is not null), 0.08, 0.12);
        Assert.InRange(Share(p => p.IsVideo), 0.01, 0.03);
        Assert.InRange(Share(p => p.Sensitive), 0.003, 0.02);
        Assert.Equal("iPhone 13", photos.Where(p => p.CameraModel is not null).GroupBy(p => p.CameraModel).MaxBy(g => g.Count())!.Key);
        Assert.InRange(Share(p => p.CameraModel is null), 0.03, 0.12);
        Assert.All(photos.Where(p => p.Faces.Count > 0), p => Assert.True(p.Objects.Single(o => o.Label == "person").Count >= p.Faces.Count));
        Assert.InRange(Share(p => p.Objects.Any(o => o.Label == "dog")), 0.02, 0.10);
        Assert.Contains(photos, p => p.Objects.Any(o => o.Count >= 2 && o.Label != "person"));
    }

    [Fact]
    public void Embeddings_cluster_by_scene_and_burst_shots_are_near_duplicates()
    {
        var photos = Photos.Value.Take(3000).ToList();
        Assert.All(photos, p => Assert.Equal(Options.EmbeddingDimension, p.Embedding.Length));
        var same = new List<double>();
        var different = new List<double>();
        for (var i = 0; i < 600; i++)
            for (var j = i + 1; j < 600; j += 7)
                (photos[i].Scene == photos[j].Scene ? same : different).Add(TensorPrimitives.CosineSimilarity(photos[i].Embedding, photos[j].Embedding));
        Assert.InRange(same.Average(), 0.5, 0.8);
        Assert.InRange(different.Average(), -0.1, 0.1);
        var bursts = photos.Zip(photos.Skip(1)).Where(x => x.First.TakenAt is { } a && x.Second.TakenAt is { } b && (b - a).TotalSeconds is > 0 and <= 3
            && x.First.Scene == x.Second.Scene).Select(x => (double)TensorPrimitives.CosineSimilarity(x.First.Embedding, x.Second.Embedding)).ToList();
        Assert.NotEmpty(bursts);
        Assert.True(bursts.Average() > 0.9, $"burst shots' mean cosine {bursts.Average():0.00}");
    }

    [Fact]
    public void Every_person_has_a_name_of_their_own()
    {
        var names = Enumerable.Range(0, 5000).Select(p => SyntheticPhotoLibrary.PersonName(p)).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal("Amy", names[0]);
        Assert.Contains(' ', names[100]);
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        var sorted = Enumerable.Range(1, 20).Select(i => (double)i).ToArray();
        Assert.Equal(19, LibrarySearchBenchmark.Percentile(sorted, 0.95));
        Assert.Equal(10, LibrarySearchBenchmark.Percentile(sorted, 0.5));
        Assert.Equal(1, LibrarySearchBenchmark.Percentile([1], 0.95));
    }
}
