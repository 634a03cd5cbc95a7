using Sightline.Vision.Embeddings;

namespace Sightline.Vision.Similarity;

/// <summary>Per-class leave-one-out figures.</summary>
public readonly record struct ClassAccuracy(string Label, int Queries, int Correct)
{
    public double Accuracy => Queries == 0 ? 0 : (double)Correct / Queries;
}

public sealed record NeighbourEvaluationResult(int Queries, int Correct, IReadOnlyList<ClassAccuracy> PerClass)
{
    public double Accuracy => Queries == 0 ? 0 : (double)Correct / Queries;
}

/// <summary>
/// Leave-one-out nearest neighbour: each item queries all the others; it counts as right when its
/// nearest neighbour (by cosine similarity) carries the same label.
/// </summary>
public static class NeighbourEvaluation
{
    public static NeighbourEvaluationResult LeaveOneOut(IReadOnlyList<string> labels, IReadOnlyList<float[]> vectors)
    {
        if (labels.Count != vectors.Count)
            throw new ArgumentException($"{labels.Count} labels for {vectors.Count} vectors");
        var units = vectors.Select(v => VectorMath.Normalized(v)).ToArray();
        var perClass = new Dictionary<string, (int Queries, int Correct)>(StringComparer.Ordinal);
        var correct = 0;
        for (var i = 0; i < units.Length; i++)
        {
            var best = -1;
            var bestScore = float.NegativeInfinity;
            for (var j = 0; j < units.Length; j++)
            {
                if (j == i) continue;
                var score = System.Numerics.Tensors.TensorPrimitives.Dot(units[i], units[j]);
                if (score > bestScore) { bestScore = score; best = j; }
            }
            var hit = best >= 0 && labels[best] == labels[i];
            if (hit) correct++;
            perClass.TryGetValue(labels[i], out var c);
            perClass[labels[i]] = (c.Queries + 1, c.Correct + (hit ? 1 : 0));
        }
        return new NeighbourEvaluationResult(units.Length, correct,
            perClass.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new ClassAccuracy(p.Key, p.Value.Queries, p.Value.Correct)).ToList());
    }
}
