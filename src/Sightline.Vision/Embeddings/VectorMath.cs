using System.Numerics.Tensors;

namespace Sightline.Vision.Embeddings;

/// <summary>Vector helpers for embeddings: unit length, so that cosine similarity is a dot product.</summary>
public static class VectorMath
{
    public static float[] Normalized(ReadOnlySpan<float> vector)
    {
        var result = vector.ToArray();
        var norm = TensorPrimitives.Norm(result);
        if (norm > 0)
            TensorPrimitives.Divide(result, norm, result);
        return result;
    }

    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.CosineSimilarity(a, b);

    /// <summary>Indices of the <paramref name="k"/> largest values, best first; ties keep the lower index first.</summary>
    public static int[] TopK(ReadOnlySpan<float> scores, int k)
    {
        k = Math.Min(k, scores.Length);
        if (k <= 0)
            return [];
        var heap = new PriorityQueue<int, (float Score, int Index)>(k + 1, Comparer<(float Score, int Index)>.Create((x, y) =>
            x.Score != y.Score ? x.Score.CompareTo(y.Score) : y.Index.CompareTo(x.Index)));
        for (var i = 0; i < scores.Length; i++)
        {
            heap.Enqueue(i, (scores[i], i));
            if (heap.Count > k)
                heap.Dequeue();
        }
        var result = new int[heap.Count];
        for (var i = result.Length - 1; i >= 0; i--)
            result[i] = heap.Dequeue();
        return result;
    }
}
