namespace Sightline.Models.Import;

/// <summary>Element types of TensorFlow.js weights, after dequantisation.</summary>
public enum TfDataType { Float32, Int32, Int64, Bool }

/// <summary>
/// A constant tensor known at conversion time: weights, shapes, axes. Integer tensors keep their values
/// as <see cref="long"/> (ONNX indexes with int64); floats as <see cref="float"/>.
/// </summary>
public sealed class TfTensor
{
    private TfTensor(TfDataType type, long[] shape, float[]? floats, long[]? integers)
    {
        Type = type;
        Shape = shape;
        Floats = floats;
        Integers = integers;
    }

    public TfDataType Type { get; }
    public long[] Shape { get; }
    public float[]? Floats { get; }
    public long[]? Integers { get; }
    public bool IsFloat => Type == TfDataType.Float32;
    public int Rank => Shape.Length;
    public long Count => ElementCount(Shape);

    public static TfTensor Float(long[] shape, float[] values)
    {
        Check(shape, values.Length);
        return new TfTensor(TfDataType.Float32, shape, values, null);
    }

    public static TfTensor Integer(long[] shape, long[] values, TfDataType type = TfDataType.Int64)
    {
        Check(shape, values.Length);
        return new TfTensor(type, shape, null, values);
    }

    public static long ElementCount(IReadOnlyList<long> shape)
    {
        long count = 1;
        foreach (var d in shape)
            count *= d;
        return count;
    }

    /// <summary>The values as integers (shapes, axes, paddings).</summary>
    public long[] AsIntegers() => Integers ?? Floats!.Select(f => (long)f).ToArray();

    public float[] AsFloats() => Floats ?? Integers!.Select(i => (float)i).ToArray();

    public TfTensor Reshape(long[] shape) =>
        IsFloat ? Float(shape, Floats!) : Integer(shape, Integers!, Type);

    /// <summary>The tensor with its axes permuted: result axis i is this tensor's axis <paramref name="perm"/>[i].</summary>
    public TfTensor Transpose(IReadOnlyList<int> perm)
    {
        if (perm.Count != Rank)
            throw new ArgumentException($"permutation of {perm.Count} axes for a tensor of rank {Rank}");
        var outShape = perm.Select(p => Shape[p]).ToArray();
        var inStrides = Strides(Shape);
        var count = (int)Count;
        var index = new long[Rank];
        var floats = IsFloat ? new float[count] : null;
        var ints = IsFloat ? null : new long[count];
        for (var o = 0; o < count; o++)
        {
            long source = 0;
            for (var a = 0; a < Rank; a++)
                source += index[a] * inStrides[perm[a]];
            if (floats is not null) floats[o] = Floats![source];
            else ints![o] = Integers![source];
            for (var a = Rank - 1; a >= 0; a--)
            {
                if (++index[a] < outShape[a]) break;
                index[a] = 0;
            }
        }
        return floats is not null ? Float(outShape, floats) : Integer(outShape, ints!, Type);
    }

    private static long[] Strides(long[] shape)
    {
        var strides = new long[shape.Length];
        long s = 1;
        for (var i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= shape[i];
        }
        return strides;
    }

    private static void Check(long[] shape, int length)
    {
        if (shape.Any(d => d < 0) || ElementCount(shape) != length)
            throw new ArgumentException($"shape [{string.Join(",", shape)}] does not hold {length} values");
    }

    public override string ToString() => $"{Type}[{string.Join(",", Shape)}]";
}
