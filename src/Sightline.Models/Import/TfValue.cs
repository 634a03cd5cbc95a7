using Sightline.Models.Onnx;

namespace Sightline.Models.Import;

/// <summary>
/// One TensorFlow tensor during conversion: a constant known now, or an ONNX value that may exist in
/// several stored axis orders (see <see cref="Permutation"/>), each made at most once.
/// </summary>
internal sealed class TfValue
{
    private readonly List<(int[] Perm, string Name)> _forms = [];
    private readonly Dictionary<string, string> _constantForms = new(StringComparer.Ordinal);

    private TfValue(TfTensor? constant, int rank)
    {
        Constant = constant;
        Rank = rank;
    }

    public TfTensor? Constant { get; }
    public int Rank { get; }
    public bool IsInteger { get; private init; }
    public bool IsBoolean { get; set; }

    /// <summary>True when logical axis 0 is the graph's batch axis.</summary>
    public bool BatchLeading { get; private init; }

    public IEnumerable<(int[] Perm, string Name)> Forms => _forms;
    public string AnyForm => _forms[0].Name;

    public static TfValue Of(TfTensor constant) => new(constant, constant.Rank) { IsInteger = !constant.IsFloat };

    public static TfValue Dynamic(string? name, int rank, int[]? perm = null, bool isInteger = false, bool batchLeading = false)
    {
        var value = new TfValue(null, rank) { IsInteger = isInteger, BatchLeading = batchLeading };
        if (name is not null)
            value.AddForm(perm ?? Permutation.Identity(Math.Max(rank, 0)), name);
        return value;
    }

    public void AddForm(int[] perm, string name) => _forms.Add((perm, name));

    /// <summary>The stored order to compute in: a non-identity one when it exists, since those come from convolutions.</summary>
    public int[] PreferredForm()
    {
        if (Constant is not null || _forms.Count == 0)
            return Permutation.Identity(Math.Max(Rank, 0));
        foreach (var (perm, _) in _forms)
            if (!Permutation.IsIdentity(perm))
                return perm;
        return _forms[0].Perm;
    }

    /// <summary>The value stored with <paramref name="perm"/>, transposing (once) from an existing form when needed.</summary>
    public string In(int[] perm, OnnxGraphWriter writer)
    {
        if (Constant is not null)
        {
            var key = Permutation.Key(perm);
            if (!_constantForms.TryGetValue(key, out var name))
                _constantForms[key] = name = writer.Constant(Permutation.IsIdentity(perm) || perm.Length == 0 ? Constant : Constant.Transpose(perm), "const");
            return name;
        }
        if (perm.Length == 0 || Rank < 0)
            return AnyForm;
        foreach (var (p, n) in _forms)
            if (p.AsSpan().SequenceEqual(perm))
                return n;
        var (fromPerm, fromName) = _forms[0];
        var transposed = writer.Op("Transpose", [fromName], fromName + "/to" + string.Concat(perm),
            OnnxBuilder.Attribute("perm", Permutation.Between(fromPerm, perm).Select(p => (long)p).ToArray()));
        _forms.Add((perm, transposed));
        return transposed;
    }
}
