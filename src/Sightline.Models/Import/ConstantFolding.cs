namespace Sightline.Models.Import;

/// <summary>
/// Evaluates, at conversion time, the shape arithmetic a graph does on constants only (exporters leave
/// chains such as Cast, SparseToDense and Pack behind), so the ONNX graph gets plain constants.
/// Returns null for anything it does not evaluate; the converter then emits the op normally.
/// </summary>
internal static class ConstantFolding
{
    public static TfTensor? TryFold(TfNode node, TfTensor[] inputs)
    {
        switch (node.Op)
        {
            case "Identity" or "StopGradient" or "Snapshot":
                return inputs[0];
            case "Cast":
                return node.Type("DstT") switch
                {
                    "DT_FLOAT" => TfTensor.Float(inputs[0].Shape, inputs[0].AsFloats()),
                    "DT_INT32" => TfTensor.Integer(inputs[0].Shape, inputs[0].AsIntegers(), TfDataType.Int32),
                    "DT_INT64" => TfTensor.Integer(inputs[0].Shape, inputs[0].AsIntegers()),
                    _ => null,
                };
            case "Reshape":
                return Reshape(inputs[0], inputs[1].AsIntegers());
            case "ExpandDims":
            {
                var axis = (int)inputs[1].AsIntegers()[0];
                if (axis < 0) axis += inputs[0].Rank + 1;
                var shape = inputs[0].Shape.ToList();
                shape.Insert(axis, 1);
                return inputs[0].Reshape([.. shape]);
            }
            case "Squeeze":
            {
                var axes = node.Ints("squeeze_dims").Select(a => a < 0 ? a + inputs[0].Rank : a).ToHashSet();
                var shape = inputs[0].Shape.Where((d, i) => axes.Count == 0 ? d != 1 : !axes.Contains(i)).ToArray();
                return inputs[0].Reshape(shape);
            }
            case "Transpose":
                return inputs[0].Transpose(inputs[1].AsIntegers().Select(p => (int)p).ToArray());
            case "SparseToDense":
                return SparseToDense(inputs[0], inputs[1].AsIntegers(), inputs[2], inputs[3]);
            case "Pack" when inputs.All(i => i.Rank == 0 && !i.IsFloat) && node.Int("axis", 0) == 0:
                return TfTensor.Integer([inputs.Length], inputs.Select(i => i.AsIntegers()[0]).ToArray(), inputs[0].Type);
            case "ConcatV2" when inputs[..^1].All(i => i.Rank == 1 && !i.IsFloat):
                return TfTensor.Integer([inputs[..^1].Sum(i => i.Shape[0])], inputs[..^1].SelectMany(i => i.AsIntegers()).ToArray(), inputs[0].Type);
            case "Add" or "AddV2" or "Sub" or "Mul" or "FloorDiv" when inputs.All(i => !i.IsFloat) && SameOrScalar(inputs[0], inputs[1]):
                return IntegerBinary(node.Op, inputs[0], inputs[1]);
            default:
                return null;
        }
    }

    private static TfTensor Reshape(TfTensor input, long[] target)
    {
        var shape = (long[])target.Clone();
        var free = Array.IndexOf(shape, -1L);
        if (free >= 0)
            shape[free] = input.Count / Math.Max(1, shape.Where((d, i) => i != free).Aggregate(1L, (a, d) => a * d));
        return input.Reshape(shape);
    }

    private static TfTensor SparseToDense(TfTensor indices, long[] shape, TfTensor values, TfTensor fallback)
    {
        var count = (int)TfTensor.ElementCount(shape);
        var strides = new long[shape.Length];
        long s = 1;
        for (var i = shape.Length - 1; i >= 0; i--) { strides[i] = s; s *= shape[i]; }
        var index = indices.AsIntegers();
        var points = indices.Rank == 0 ? 1 : (int)indices.Shape[0];
        var width = indices.Rank < 2 ? 1 : (int)indices.Shape[1];
        long Offset(int p) { long o = 0; for (var k = 0; k < width; k++) o += index[p * width + k] * strides[k]; return o; }
        if (values.IsFloat)
        {
            var data = Enumerable.Repeat(fallback.AsFloats()[0], count).ToArray();
            var v = values.AsFloats();
            for (var p = 0; p < points; p++) data[Offset(p)] = v.Length == 1 ? v[0] : v[p];
            return TfTensor.Float(shape, data);
        }
        var ints = Enumerable.Repeat(fallback.AsIntegers()[0], count).ToArray();
        var iv = values.AsIntegers();
        for (var p = 0; p < points; p++) ints[Offset(p)] = iv.Length == 1 ? iv[0] : iv[p];
        return TfTensor.Integer(shape, ints, values.Type);
    }

    private static bool SameOrScalar(TfTensor a, TfTensor b) => a.Count == 1 || b.Count == 1 || a.Shape.SequenceEqual(b.Shape);

    private static TfTensor IntegerBinary(string op, TfTensor a, TfTensor b)
    {
        var x = a.AsIntegers();
        var y = b.AsIntegers();
        var shape = a.Count >= b.Count ? a.Shape : b.Shape;
        var n = Math.Max(x.Length, y.Length);
        var result = new long[n];
        for (var i = 0; i < n; i++)
        {
            var l = x[x.Length == 1 ? 0 : i];
            var r = y[y.Length == 1 ? 0 : i];
            result[i] = op switch
            {
                "Sub" => l - r,
                "Mul" => l * r,
                "FloorDiv" => (long)Math.Floor((double)l / r),
                _ => l + r,
            };
        }
        return TfTensor.Integer(shape, result, a.Type);
    }
}
