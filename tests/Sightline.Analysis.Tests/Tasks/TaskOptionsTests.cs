using Sightline.Faces;
using Sightline.Faces.Detection;
using Sightline.Vision.Classification;
using Sightline.Vision.Detection;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Pipeline;
using Sightline.Vision.Segmentation;

namespace Sightline.Analysis.Tests.Tasks;

/// <summary>Each task's options record: its defaults are the library's, and it refuses what its task cannot run with.</summary>
public sealed class TaskOptionsTests
{
    private static void Refused(TaskOptions options, string option)
    {
        var error = Assert.Throws<TaskOptionsException>(options.Validate);
        Assert.Equal(option, error.Option);
        Assert.Contains(option, error.Message);
    }

    [Fact]
    public void Detect_defaults_are_the_detectors_and_out_of_range_values_are_refused()
    {
        var options = new DetectTaskOptions();
        options.Validate();
        Assert.Equal(Detectors.DefaultModel, options.Model);
        Assert.Equal((DetectOptions.Default.MinScore, DetectOptions.Default.IouThreshold, DetectOptions.Default.MaxDetections, DetectOptions.Default.SameObjectIou),
            (options.MinScore, options.Iou, options.Max, options.SameObjectIou));
        Refused(options with { MinScore = 1.5f }, "minScore");
        Refused(options with { MinScore = float.NaN }, "minScore");
        Refused(options with { Iou = 0 }, "iou");
        Refused(options with { Max = 0 }, "max");
        Refused(options with { SameObjectIou = 1.2f }, "sameObjectIou");
        Refused(options with { Model = " " }, "model");
        (options with { SameObjectIou = null, MinScore = 0, Iou = 1 }).Validate();
    }

    [Fact]
    public void Faces_defaults_are_the_face_pipelines()
    {
        var options = new FacesTaskOptions();
        options.Validate();
        Assert.Equal(FaceModels.Default, options.Models);
        Assert.Equal(FaceAnalysisOptions.Default, options.ToAnalysisOptions());
        Assert.Equal(FaceTasks.All, (options with { Liveness = true }).ToAnalysisOptions().Tasks);
        Assert.Equal(SsdFaceDetector.Id, (options with { Detector = "ssd" }).Models.Detector);
        Refused(options with { MinScore = -0.1f }, "minScore");
        Refused(options with { MaxFaces = 0 }, "maxFaces");
        Refused(options with { MinFaceSize = -1 }, "minFaceSize");
    }

    [Fact]
    public void Segment_defaults_are_the_segmenters()
    {
        var options = new SegmentTaskOptions();
        options.Validate();
        Assert.Equal(SegmentOptions.Default, options.ToSegmentOptions());
        Assert.Equal(SegmentationModels.DefaultModel, options.Model);
        Refused(options with { Threshold = 1 }, "threshold");
        Refused(options with { Threshold = 0 }, "threshold");
        Refused(options with { MinPersonScore = 2 }, "minPersonScore");
        Refused(options with { CropPadding = -0.5f }, "cropPadding");
        Refused(options with { Method = (SegmentationMethod)42 }, "method");
        Refused(options with { Regions = (PersonRegionSource)7 }, "regions");
        Assert.Equal(PersonRegionSource.Detector, options.Regions);
        Assert.Equal(PersonRegionSource.Mask, (options with { Regions = PersonRegionSource.Mask }).ToSegmentOptions().Regions);
    }

    [Fact]
    public void Embed_and_classify_options()
    {
        new EmbedTaskOptions().Validate();
        Assert.Equal(Embedders.DefaultModel, new EmbedTaskOptions().Model);
        Refused(new EmbedTaskOptions { Model = "" }, "model");
        // There is no default classifier: the file must be named.
        Refused(new ClassifyTaskOptions(), "classifier");
        Refused(new ClassifyTaskOptions { Classifier = "flowers.sightline", Top = 0 }, "top");
        new ClassifyTaskOptions { Classifier = "flowers.sightline" }.Validate();
    }

    [Fact]
    public void Unknown_classes_are_refused_naming_the_detectors_classes()
    {
        var detector = new LabelsOnly(["person", "bus", "traffic light"]);
        var options = new DetectTaskOptions { Classes = ["Person", "traffic light"] }.ToDetectOptions(detector);
        Assert.Equal(new HashSet<string> { "person", "traffic light" }, options.Classes);
        var error = Assert.Throws<TaskOptionsException>(() => new DetectTaskOptions { Classes = ["unicorn"] }.ToDetectOptions(detector));
        Assert.Equal("classes", error.Option);
        Assert.Contains("unicorn", error.Message);
        Assert.Null(new DetectTaskOptions { Classes = [] }.ToDetectOptions(detector).Classes);
    }

    /// <summary>A detector that only has labels: enough to check class names.</summary>
    private sealed class LabelsOnly(IReadOnlyList<string> labels) : IObjectDetector
    {
        public string ModelId => "labels-only";
        public string ModelVersion => "0";
        public IReadOnlyList<string> Labels => labels;
        public Imaging.DecodeSize DecodeSize => Imaging.DecodeSize.Cover(8, 8);
        public DetectionResult Detect(string path, DetectOptions? options = null) => throw new NotSupportedException();
        public DetectionResult Detect(Imaging.DecodedImage image, DetectOptions? options = null) => throw new NotSupportedException();
        public IReadOnlyList<DetectionResult> Detect(IReadOnlyList<(Imaging.DecodedImage Image, DetectOptions Options)> images) => throw new NotSupportedException();
        public IReadOnlyList<Outcome<DetectionResult>> DetectFiles(IReadOnlyList<string> paths, DetectOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
