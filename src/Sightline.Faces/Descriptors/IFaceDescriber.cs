using Sightline.Faces.Alignment;
using Sightline.Faces.Detection;
using SkiaSharp;

namespace Sightline.Faces.Descriptors;

/// <summary>Turns aligned faces into descriptors of one model; its <see cref="Threshold"/> separates "same person" from "different".</summary>
public interface IFaceDescriber
{
    string ModelId { get; }
    DescriptorMetric Metric { get; }

    /// <summary>Default decision threshold on the descriptor distance: below it, the same person.</summary>
    float Threshold { get; }

    /// <summary>P(same person | distance), fitted on labelled pairs; turns a distance into a confidence.</summary>
    Evaluation.DistanceCalibration Calibration { get; }

    /// <summary>One descriptor per face, from its 68 landmarks in image pixels; crops come from the image's shared set.</summary>
    IReadOnlyList<FaceDescriptor> Describe(FaceCrops crops, IReadOnlyList<FacePoint[]> landmarks);

    /// <summary>One descriptor per face, from its 68 landmarks in image pixels.</summary>
    IReadOnlyList<FaceDescriptor> Describe(SKBitmap image, IReadOnlyList<FacePoint[]> landmarks)
    {
        using var crops = new FaceCrops(image);
        return Describe(crops, landmarks);
    }
}
