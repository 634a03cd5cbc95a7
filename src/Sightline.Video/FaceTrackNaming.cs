using Sightline.Faces;
using Sightline.Faces.Descriptors;
using Sightline.Faces.Gallery;

namespace Sightline.Video;

/// <summary>
/// Names face tracks from a face gallery: a track is held against the gallery by its one descriptor (the mean of its
/// best frames), not frame by frame, so a person is named once per track and a poor frame cannot name them wrongly;
/// a track whose every frame is too poor to identify is answered "too poor" with the reasons, never matched.
/// </summary>
public sealed class FaceTrackNaming(FaceGallery gallery, IFaceDescriber describer, float threshold)
{
    public FaceGallery Gallery { get; } = gallery;

    public float Threshold { get; } = threshold;

    /// <summary>Who a track is, from its descriptor, or, when it has none, from why its best face is too poor.</summary>
    /// <exception cref="GalleryException">The gallery holds descriptors of another model than the faces task's.</exception>
    public FaceIdentity Name(float[]? descriptor, IReadOnlyList<string>? tooPoor)
    {
        var identification = descriptor is null
            ? Identification.Poor(tooPoor is { Count: > 0 } ? tooPoor : ["no descriptor"], Threshold)
            : Gallery.Identify(new FaceDescriptor(describer.ModelId, describer.Metric, descriptor), Threshold);
        return FaceIdentity.From(identification, describer.Calibration);
    }
}
