using System.Numerics.Tensors;

namespace Sightline.Library.Duplicates;

/// <summary>A group found from the embeddings: its photos (ids, ascending), its kind and its least pairwise cosine.</summary>
internal sealed record SimilarGroup(DuplicateKind Kind, IReadOnlyList<long> PhotoIds, double Similarity);

/// <summary>
/// Groups photos by their image embeddings with complete linkage: two photos may share a group when their cosine is
/// at least <see cref="DuplicateOptions.NearSimilarity"/> (or <see cref="DuplicateOptions.NearHashSimilarity"/> with nearly
/// the same thumbnail difference hash), or at least <see cref="DuplicateOptions.BurstSimilarity"/>
/// with dates taken within <see cref="DuplicateOptions.BurstSeconds"/>; groups merge, most similar pair first, only
/// while every pair of the merged group may. So a chain of photos each like the next (a slow pan, a day at one place)
/// never becomes one group. A group whose every pair is near is <see cref="DuplicateKind.Near"/>, otherwise a
/// <see cref="DuplicateKind.Burst"/>. Embeddings of different models are never compared.
/// </summary>
internal static class DuplicateGrouping
{
    /// <param name="hashDistance">Bits between two photos' thumbnail difference hashes (by content hash; null when one has none), for the second near rule; null leaves that rule out.</param>
    public static IReadOnlyList<SimilarGroup> Group(IReadOnlyList<DuplicateCandidate> candidates, DuplicateOptions options,
        Func<string, string, int?>? hashDistance = null, CancellationToken cancellationToken = default)
    {
        var groups = new List<SimilarGroup>();
        foreach (var model in candidates.GroupBy(c => (c.Model, c.Vector.Length)))
            groups.AddRange(GroupOneModel(model.ToList(), options, hashDistance, cancellationToken));
        return groups.OrderBy(g => g.PhotoIds[0]).ToList();
    }

    private static List<SimilarGroup> GroupOneModel(List<DuplicateCandidate> photos, DuplicateOptions options, Func<string, string, int?>? hashDistance,
        CancellationToken cancellationToken)
    {
        var n = photos.Count;
        var vectors = photos.Select(p => Unit(p.Vector)).ToArray();
        var least = Math.Min(options.BurstSimilarity, hashDistance is null ? options.NearSimilarity : Math.Min(options.NearSimilarity, options.NearHashSimilarity));
        var burstMilliseconds = options.BurstSeconds * 1000;

        bool Near(int a, int b, double cosine) =>
            cosine >= options.NearSimilarity
            || (hashDistance is not null && cosine >= options.NearHashSimilarity
                && hashDistance(photos[a].ContentHash, photos[b].ContentHash) is { } bits && bits <= options.NearHashBits);

        bool Burst(int a, int b, double cosine) =>
            cosine >= options.BurstSimilarity && photos[a].TakenMilliseconds is { } ta && photos[b].TakenMilliseconds is { } tb
            && Math.Abs(ta - tb) <= burstMilliseconds;

        // Every pair that may share a group, found in parallel rows (n^2/2 dot products; 10,000 photos take a few seconds).
        var edges = new List<(int A, int B, double Cosine, bool Near)>[n];
        Parallel.For(0, n, new ParallelOptions { CancellationToken = cancellationToken }, a =>
        {
            List<(int, int, double, bool)>? found = null;
            for (var b = a + 1; b < n; b++)
            {
                var cosine = (double)TensorPrimitives.Dot(vectors[a], vectors[b]);
                if (cosine < least)
                    continue;
                var near = Near(a, b, cosine);
                if (near || Burst(a, b, cosine))
                    (found ??= []).Add((a, b, cosine, near));
            }
            edges[a] = found ?? [];
        });
        var sorted = edges.SelectMany(e => e).OrderByDescending(e => e.Cosine).ThenBy(e => e.A).ThenBy(e => e.B).ToList();
        var pairs = sorted.ToDictionary(e => (e.A, e.B), e => (e.Cosine, e.Near));
        (double Cosine, bool Near)? Pair(int a, int b) => pairs.TryGetValue(a < b ? (a, b) : (b, a), out var c) ? c : null;

        var groupOf = new int[n];
        var members = new Dictionary<int, List<int>>();
        for (var i = 0; i < n; i++)
        {
            groupOf[i] = i;
            members[i] = [i];
        }
        foreach (var (a, b, _, _) in sorted)
        {
            var ga = groupOf[a];
            var gb = groupOf[b];
            if (ga == gb)
                continue;
            var left = members[ga];
            var right = members[gb];
            // Complete linkage: every photo of one group must be allowed with every photo of the other.
            if (!left.All(x => right.All(y => Pair(x, y) is not null)))
                continue;
            left.AddRange(right);
            foreach (var moved in right)
                groupOf[moved] = ga;
            members.Remove(gb);
        }

        var result = new List<SimilarGroup>();
        foreach (var group in members.Values.Where(m => m.Count > 1))
        {
            var cosines = group.SelectMany((x, i) => group.Skip(i + 1).Select(y => Pair(x, y)!.Value)).ToList();
            var kind = cosines.All(c => c.Near) ? DuplicateKind.Near : DuplicateKind.Burst;
            result.Add(new SimilarGroup(kind, group.Select(i => photos[i].PhotoId).Order().ToList(), Math.Round(cosines.Min(c => c.Cosine), 4)));
        }
        return result;
    }

    private static float[] Unit(float[] vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm == 0 || !float.IsFinite(norm))
            return new float[vector.Length];
        var unit = new float[vector.Length];
        TensorPrimitives.Divide(vector, norm, unit);
        return unit;
    }
}
