using Sightline.Faces.Attributes;
using Sightline.Faces.Descriptors;
using Sightline.Faces.Detection;
using Sightline.Faces.Landmarks;
using Sightline.Models;
using Sightline.Vision.Pipeline;

namespace Sightline.Faces.Tests.Pipeline;

/// <summary>Face model names resolved per role through the family registries; unknown names listed by role.</summary>
public sealed class FaceFamilyTests
{
    [Theory]
    [InlineData("blazeface", BlazeFaceDetector.Id)]
    [InlineData("ssd", SsdFaceDetector.Id)]
    [InlineData("ssd-mobilenet-v1", SsdFaceDetector.Id)]
    [InlineData("Tiny-Face-Detector", TinyFaceDetector.Id)]
    [InlineData(TinyFaceDetector.Id, TinyFaceDetector.Id)]
    public void Face_detector_names(string name, string id) => Assert.Equal(id, FaceModels.ResolveDetector(name));

    [Theory]
    [InlineData("face-api", FaceApiDescriber.Id)]
    [InlineData("faceapi", FaceApiDescriber.Id)]
    [InlineData("faceres", FaceResDescriber.Id)]
    [InlineData("faceres-deep", FaceResDeepDescriber.Id)]
    [InlineData("MobileFaceNet", MobileFaceNetDescriber.Id)]
    [InlineData("mobileface", MobileFaceDescriber.Id)]
    [InlineData(MobileFaceDescriber.Id, MobileFaceDescriber.Id)]
    public void Describer_names(string name, string id) => Assert.Equal(id, FaceModels.ResolveDescriber(name));

    [Theory]
    [InlineData("face-api", FaceApiExpressionClassifier.Id)]
    [InlineData("human", HumanEmotionClassifier.Id)]
    public void Emotion_names(string name, string id) => Assert.Equal(id, FaceModels.ResolveEmotion(name));

    [Fact]
    public void Defaults_are_the_measured_choices()
    {
        var defaults = FaceModels.Default;
        Assert.Equal(defaults.Detector, FaceFamilies.Detectors.ResolveId(null));
        Assert.Equal(defaults.Landmarks, FaceFamilies.Landmarks.ResolveId(null));
        Assert.Equal(defaults.Describer, FaceFamilies.Describers.ResolveId(null));
        Assert.Equal(defaults.Emotion, FaceFamilies.Emotions.ResolveId(null));
        Assert.Equal(defaults.AgeGender, FaceFamilies.AgeGender.ResolveId(null));
        Assert.Equal(FaceLandmarker.TinyId, FaceFamilies.Landmarks.ResolveId("face-api-tiny"));
    }

    [Fact]
    public void Unknown_names_list_only_their_role_and_pass_through_the_resolve_forwards()
    {
        var emotion = Assert.Throws<ModelStoreException>(() => FaceFamilies.Emotions.Resolve("blazeface"));
        Assert.Equal(ModelStoreErrorKind.UnknownModel, emotion.Kind);
        Assert.Contains("'blazeface' is not an expression model", emotion.Message);
        Assert.Contains("face-api (face-api-face-expression, the default), human (human-emotion)", emotion.Message);
        var detector = Assert.Throws<ModelStoreException>(() => FaceFamilies.Detectors.Resolve("faceres"));
        Assert.Contains("blazeface", detector.Message);
        Assert.DoesNotContain("human-emotion", detector.Message);
        Assert.Equal("someone-elses-model", FaceModels.ResolveDescriber("someone-elses-model"));
    }

    [Fact]
    public void Required_models_resolve_short_names_and_refuse_unknown_ones()
    {
        var ids = FaceAnalyzer.RequiredModels(new FaceModels(Detector: "ssd", Describer: "faceres", Emotion: "human"), liveness: true);
        Assert.Equal([SsdFaceDetector.Id, FaceLandmarker.Id, FaceResDescriber.Id, HumanEmotionClassifier.Id, AgeGenderEstimator.Id,
            LivenessChecker.AntiSpoofId, LivenessChecker.LivenessId], ids);
        Assert.Throws<ModelStoreException>(() => FaceAnalyzer.RequiredModels(new FaceModels(Landmarks: "dlib")));
    }

    [Fact]
    public void An_unknown_descriptor_name_lists_every_descriptor_family()
    {
        var error = Assert.Throws<TaskOptionsException>(() => FaceModels.DescriberId("arcface"));

        Assert.Equal("descriptor", error.Option);
        Assert.Contains("face-api, faceres, faceres-deep, mobilefacenet, mobileface", error.Message);
        Assert.Contains("'arcface'", error.Message);
    }
}
