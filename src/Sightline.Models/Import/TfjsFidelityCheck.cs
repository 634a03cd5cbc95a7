namespace Sightline.Models.Import;

/// <summary>Runs a converted ONNX model on one input (shape as given) and returns every output by name.</summary>
public delegate IReadOnlyList<NamedTensor> ConvertedModelRunner(string onnxPath, float[] input, int[] shape);

/// <summary>One output that broke the bound on one image.</summary>
public readonly record struct ImageFailure(string Image, FidelityError Error);

/// <summary>One model's agreement with TensorFlow.js over a set of images, and each image that broke the bound.</summary>
public readonly record struct ModelFidelity(string ModelId, int Images, IReadOnlyList<FidelityError> Outputs, IReadOnlyList<ImageFailure>? Failures = null)
{
    public FidelityError Worst => FidelityComparison.Worst(ModelId, Outputs);
    public bool WithinBounds => Outputs.Count > 0 && Outputs.All(o => o.WithinBounds);
}

/// <summary>
/// Feeds the same input tensors (made once per image) to the converted ONNX model and to TensorFlow.js
/// running the original model, and reports the worst element-wise disagreement per output. Outputs of a
/// top-k head (<see cref="RankedRows"/>) are compared as matched sets of rows.
/// </summary>
public sealed class TfjsFidelityCheck(TfjsReferenceRunner reference, ConvertedModelRunner ours, FidelityTolerance? tolerance = null)
{
    public FidelityTolerance Tolerance { get; } = tolerance ?? new FidelityTolerance();

    public ModelFidelity Check(string modelId, string onnxPath, string modelJson, TfjsInputSpec spec, IReadOnlyList<string> images, IReadOnlyList<RankedRows>? ranked = null)
    {
        if (images.Count == 0)
            throw new ArgumentException("fidelity needs at least one image", nameof(images));
        var perOutput = new Dictionary<string, List<FidelityError>>(StringComparer.Ordinal);
        var failures = new List<ImageFailure>();
        foreach (var image in images)
        {
            var input = TfjsInputTensor.FromImages([image], spec);
            var shape = spec.Shape(1);
            var expected = reference.Run(modelJson, input, shape).Outputs;
            var actual = ours(onnxPath, input, shape);
            foreach (var error in FidelityComparison.CompareAll(actual, expected, Tolerance, ranked ?? []))
            {
                if (!error.WithinBounds)
                    failures.Add(new ImageFailure(image, error));
                if (!perOutput.TryGetValue(error.Output, out var list))
                    perOutput[error.Output] = list = [];
                list.Add(error);
            }
        }
        return new ModelFidelity(modelId, images.Count, perOutput.Select(p => FidelityComparison.Worst(p.Key, p.Value)).ToList(), failures);
    }
}
