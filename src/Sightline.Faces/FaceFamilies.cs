using Sightline.Faces.Attributes;
using Sightline.Faces.Descriptors;
using Sightline.Faces.Detection;
using Sightline.Faces.Landmarks;
using Sightline.Vision.Pipeline;

namespace Sightline.Faces;

/// <summary>
/// The model families of each part of the face analysis, one registry per role: adding a face detector,
/// describer or expression model is one entry here plus its class and its tests. An unknown name is an
/// unknown model whose message lists that role's families only.
/// </summary>
public static class FaceFamilies
{
    public static FamilyRegistry<IFaceDetector> Detectors { get; } = new FamilyRegistry<IFaceDetector>("face-detector", "face detector")
        .Add(new("face-detector", "blazeface", [BlazeFaceDetector.Id], [], (c, m) => new BlazeFaceDetector(m, c.Engine, c), IsDefault: true))
        .Add(new("face-detector", "ssd", [SsdFaceDetector.Id], ["ssd-mobilenet-v1"], (c, m) => new SsdFaceDetector(m, c.Engine)))
        .Add(new("face-detector", "tiny", [TinyFaceDetector.Id], ["tiny-face-detector"], (c, m) => new TinyFaceDetector(m, c.Engine)));

    public static FamilyRegistry<FaceLandmarker> Landmarks { get; } = new FamilyRegistry<FaceLandmarker>("face-landmarks", "face landmark model")
        .Add(new("face-landmarks", "face-api", [FaceLandmarker.Id], ["faceapi"], (c, m) => new FaceLandmarker(m, c.Engine, c), IsDefault: true))
        .Add(new("face-landmarks", "face-api-tiny", [FaceLandmarker.TinyId], [], (c, m) => new FaceLandmarker(m, c.Engine, c)));

    public static FamilyRegistry<IFaceDescriber> Describers { get; } = new FamilyRegistry<IFaceDescriber>("face-descriptor", "face descriptor model")
        .Add(new("face-descriptor", "face-api", [FaceApiDescriber.Id], ["faceapi"], (c, m) => new FaceApiDescriber(m, c.Engine, c), IsDefault: true))
        .Add(new("face-descriptor", "faceres", [FaceResDescriber.Id], [], (c, m) => new FaceResDescriber(m, c.Engine, c)))
        .Add(new("face-descriptor", "faceres-deep", [FaceResDeepDescriber.Id], [], (c, m) => new FaceResDeepDescriber(m, c.Engine, c)))
        .Add(new("face-descriptor", "mobilefacenet", [MobileFaceNetDescriber.Id], [], (c, m) => new MobileFaceNetDescriber(m, c.Engine, c)))
        .Add(new("face-descriptor", "mobileface", [MobileFaceDescriber.Id], [], (c, m) => new MobileFaceDescriber(m, c.Engine, c)));

    public static FamilyRegistry<IEmotionClassifier> Emotions { get; } = new FamilyRegistry<IEmotionClassifier>("face-emotion", "expression model")
        .Add(new("face-emotion", "face-api", [FaceApiExpressionClassifier.Id], ["faceapi"], (c, m) => new FaceApiExpressionClassifier(m, c.Engine, c), IsDefault: true))
        .Add(new("face-emotion", "human", [HumanEmotionClassifier.Id], [], (c, m) => new HumanEmotionClassifier(m, c.Engine, c)));

    public static FamilyRegistry<AgeGenderEstimator> AgeGender { get; } = new FamilyRegistry<AgeGenderEstimator>("face-age-gender", "age and gender model")
        .Add(new("face-age-gender", "face-api", [AgeGenderEstimator.Id], ["faceapi"], (c, m) => new AgeGenderEstimator(m, c.Engine, c), IsDefault: true));
}
