using Sightline.Imaging.Tensors;
using Sightline.Inference.Sessions;
using Sightline.Models.Catalog;
using Sightline.Models.Cache;
using Sightline.Vision.Pipeline;
using SkiaSharp;

namespace Sightline.Faces.Alignment;

/// <summary>
/// A per-face network: square crops of a fixed size in, one row of outputs per face. Every face of an
/// image goes through in one batch (up to <see cref="MaxBatch"/>), as the converted graphs have a free
/// batch axis. Given a <see cref="TaskContext"/>, the runs go through the context's batched session of the model,
/// so the faces of every image in flight share runs too.
/// </summary>
internal sealed class FaceNetwork
{
    private const int MaxBatch = 32;
    private readonly ModelSession _session;
    private readonly BatchedSession? _shared;

    /// <summary>A network whose input (colours, layout, values) the catalog's typed input spec describes.</summary>
    public FaceNetwork(CachedModel model, InferenceEngine engine, TaskContext? context = null)
        : this(model, engine, (ModelInputs.Of(model.Entry.Id) ?? throw new ArgumentException($"model '{model.Entry.Id}' has no input specification in the catalog", nameof(model))).Format, context)
    {
    }

    public FaceNetwork(CachedModel model, InferenceEngine engine, TensorFormat format, TaskContext? context = null)
    {
        _session = engine.Open(model.ModelPath);
        _shared = context is null ? null : BatchedSession.For(context, _session, model.Entry.Id, MaxBatch);
        Size = _session.Inputs[0].Dimensions[1];
        Format = format;
        ModelId = model.Entry.Id;
        Version = model.Version;
    }

    public string ModelId { get; }
    public string Version { get; }
    public int Size { get; }
    public TensorFormat Format { get; }

    /// <summary>
    /// Runs the regions (square, in image pixels) and returns the outputs (those named in <paramref name="outputs"/>,
    /// in that order, or all), each face's row at its index.
    /// </summary>
    public IReadOnlyList<float[][]> Run(FaceCrops crops, IReadOnlyList<SKRect> regions, IReadOnlyList<string>? outputs = null)
    {
        var rows = new List<float[][]>();
        if (regions.Count == 0)
            return rows;
        var batch = _session.SupportsBatch ? MaxBatch : 1;
        for (var offset = 0; offset < regions.Count; offset += batch)
        {
            var chunk = regions.Skip(offset).Take(batch).ToList();
            var input = crops.Batch(chunk, Size, Format);
            var fetched = RunSession(input, chunk.Count, outputs);
            if (rows.Count == 0)
                rows.AddRange(fetched.Select(_ => new float[regions.Count][]));
            for (var o = 0; o < fetched.Count; o++)
                for (var i = 0; i < chunk.Count; i++)
                    rows[o][offset + i] = fetched[o].Item(i).ToArray();
        }
        return rows;
    }

    /// <summary>
    /// Descriptors from output <paramref name="output"/> (the only one fetched) for faces framed by the landmarks'
    /// box grown by a fifth, padded to a square (face-api's framing for its expression and age nets).
    /// </summary>
    public IReadOnlyList<Descriptors.FaceDescriptor> Describe(FaceCrops crops, IReadOnlyList<Detection.FacePoint[]> landmarks, string output, Descriptors.DescriptorMetric metric)
    {
        var regions = landmarks.Select(l => FaceCrop.SquareAround(Landmarks.FaceLandmarks.AlignedBox(l))).ToList();
        var rows = Run(crops, regions, [output]);
        return rows.Count == 0 ? [] : rows[0].Select(v => new Descriptors.FaceDescriptor(ModelId, metric, v)).ToList();
    }

    /// <summary>
    /// Descriptors from output <paramref name="output"/> for faces aligned to the canonical face chip
    /// (<see cref="FaceChip"/>) by a similarity transform of their landmarks.
    /// </summary>
    public IReadOnlyList<Descriptors.FaceDescriptor> DescribeChips(FaceCrops crops, IReadOnlyList<Detection.FacePoint[]> landmarks, int output, Descriptors.DescriptorMetric metric) =>
        DescribeChips(crops, landmarks, output, metric, (l, size) => FaceChip.ToChip(l, size));

    /// <summary>
    /// Descriptors from output <paramref name="output"/> for faces aligned by <paramref name="toChip"/> (68 landmarks
    /// and the chip size to the transform from image pixels to chip pixels).
    /// </summary>
    public IReadOnlyList<Descriptors.FaceDescriptor> DescribeChips(FaceCrops crops, IReadOnlyList<Detection.FacePoint[]> landmarks, int output, Descriptors.DescriptorMetric metric,
        Func<Detection.FacePoint[], int, SKMatrix> toChip)
    {
        if (landmarks.Count == 0)
            return [];
        var chips = landmarks.Select(l => toChip(l, Size)).ToList();
        var batch = _session.SupportsBatch ? MaxBatch : 1;
        var result = new List<Descriptors.FaceDescriptor>(landmarks.Count);
        for (var offset = 0; offset < chips.Count; offset += batch)
        {
            var chunk = chips.Skip(offset).Take(batch).ToList();
            var outputs = RunSession(crops.ChipBatch(chunk, Size, Format), chunk.Count, null);
            for (var i = 0; i < chunk.Count; i++)
                result.Add(new Descriptors.FaceDescriptor(ModelId, metric, outputs[output].Item(i).ToArray()));
        }
        return result;
    }

    /// <summary>One region through the network; each output's values for it.</summary>
    public float[][] RunWhole(SKBitmap image, SKRect region)
    {
        using var crops = new FaceCrops(image);
        var input = crops.Batch([region], Size, Format);
        return RunSession(input, 1, null).Select(o => o.Values).ToArray();
    }

    /// <summary>One run of <paramref name="count"/> faces, alone or in the context's shared runs; the named outputs in that order, or all.</summary>
    private IReadOnlyList<OutputTensor> RunSession(float[] input, int count, IReadOnlyList<string>? outputs)
    {
        if (_shared is null)
            return outputs is null ? _session.Run(input, count) : _session.Run(input, count, outputs);
        var all = _shared.Run(input, count);
        return outputs is null ? all : outputs.Select(name => all.First(o => o.Name == name)).ToList();
    }

    /// <summary>The index of the output named <paramref name="name"/>.</summary>
    public int OutputNamed(string name)
    {
        for (var i = 0; i < _session.Outputs.Count; i++)
            if (_session.Outputs[i].Name == name)
                return i;
        throw new InvalidOperationException($"model '{ModelId}' has no output '{name}'");
    }

    /// <summary>The name of the output whose per-face length is <paramref name="length"/>.</summary>
    public string OutputOfLength(int length)
    {
        foreach (var output in _session.Outputs)
            if (output.ItemLength == length)
                return output.Name;
        throw new InvalidOperationException($"model '{ModelId}' has no output of {length} values per face");
    }
}
