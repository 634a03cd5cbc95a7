using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Tests.Shared;
using Sightline.Vision.Classification;
using Sightline.Vision.Detection;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Pipeline;
using Sightline.Vision.Results;
using Sightline.Vision.Segmentation;

namespace Sightline.Analysis.Tests.Tasks;

/// <summary>Each built-in task on real photos through the pipeline, checked against the library it wraps.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class TaskAdapterTests(PretrainedModels models)
{
    private static string Sanity(string name) => Path.Combine(TestPaths.Data("sanity"), name);

    private TaskContext Context() => TaskContext.Create(models.Store, models.Engine);

    private static async Task<ImageAnalysis> AnalyzeAsync(IImageTask task, string path)
    {
        var outcome = Assert.Single(await new AnalysisPipeline([task]).RunAllAsync([ImageSource.File(path)]));
        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        return outcome.Result!;
    }

    [Fact]
    public async Task Detect_finds_the_bus_and_its_people_as_the_detector_does()
    {
        await using var context = Context();
        var task = (DetectTask)await BuiltInTasks.Registry.CreateAsync("detect", context);
        var result = (await AnalyzeAsync(task, Sanity("bus.jpg"))).Get<DetectionResult>("detect");

        Assert.Contains(result.Detections, d => d.ClassName == "bus");
        Assert.True(result.Detections.Count(d => d.ClassName == "person") >= 3, string.Join(", ", result.Detections.Select(d => $"{d.ClassName} {d.Score:0.00}")));
        Assert.Equal((810, 1080), (result.Width, result.Height));
        Assert.All(result.Detections, d => Assert.True(d.Score >= DetectOptions.Default.MinScore));
        var direct = task.Worker.Detector.Detect(Sanity("bus.jpg"), task.Options);
        Assert.Equal(direct.Detections, result.Detections);
    }

    [Fact]
    public async Task Images_in_flight_share_detector_and_embedder_runs()
    {
        await using var context = Context();
        var detect = (DetectTask)await BuiltInTasks.Registry.CreateAsync("detect", context);
        var embed = (EmbedTask)await BuiltInTasks.Registry.CreateAsync("embed", context);
        var photos = Directory.GetFiles(Path.Combine(TestPaths.Data("coco128-train"), "images")).Order(StringComparer.Ordinal).Take(12).ToList();

        var outcomes = await new AnalysisPipeline([detect, embed], options: new PipelineOptions(MaxInFlight: 8)).RunAllAsync(photos.Select(ImageSource.File));

        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error?.Message));
        var (detectRuns, detected) = detect.Worker.Statistics;
        var (embedRuns, embedded) = embed.Worker.Statistics;
        Assert.Equal((12L, 12L), (detected, embedded));
        Assert.True(detectRuns < 12 && embedRuns < 12, $"detector runs {detectRuns}, embedder runs {embedRuns} for 12 images");
        // Segment's person crops ask the context for the same detector: one worker per model.
        Assert.Same(detect.Worker, await DetectorWorker.GetAsync(context, "centernet", CancellationToken.None));
    }

    [Fact]
    public async Task Faces_finds_the_astronaut_with_an_expression()
    {
        await using var context = Context();
        var task = await BuiltInTasks.Registry.CreateAsync("faces", context, new FacesTaskOptions { Descriptors = true });
        Assert.Equal(DecodeSize.Within(FaceAnalyzer.MaxDecodeSide, FaceAnalyzer.MaxDecodeSide), task.DecodeSize);
        var analysis = (await AnalyzeAsync(task, Sanity("astronaut.png"))).Get<FacesResult>("faces");

        var face = Assert.Single(analysis.Faces);
        Assert.NotNull(face.Emotion);
        Assert.Equal(128, face.Descriptor!.Length);
        Assert.Contains("human-blazeface", task.ModelIds);
        Assert.Empty((await AnalyzeAsync(task, Sanity("coffee.png"))).Get<FacesResult>("faces").Faces);
    }

    [Fact]
    public async Task Segment_masks_the_people_of_the_bus_photo_as_the_segmenter_does()
    {
        await using var context = Context();
        var task = await BuiltInTasks.Registry.CreateAsync("segment", context);
        var result = (await AnalyzeAsync(task, Sanity("bus.jpg"))).Get<SegmentResult>("segment");

        Assert.Equal("person", result.MaskClass);
        Assert.Equal(SegmentationMethod.PersonCrops, result.Method);
        Assert.Equal((810, 1080), (result.Width, result.Height));
        var person = result.Classes.Single(c => c.ClassName == "person");
        Assert.InRange(person.Fraction, 0.05, 0.6);
        Assert.Equal([result.Height, result.Width], result.Mask.Size);
        Assert.Equal(result.Width * result.Height, result.Mask.Counts.Sum());
        Assert.Equal(person.Pixels, result.Mask.Counts.Where((_, i) => i % 2 == 1).Sum());
        var direct = new SemanticSegmenter(SegmentationModels.Open(models.Get(SegmentationModels.Selfie), models.Engine), Detectors.Create(models.Get(Detectors.CenterNet), models.Engine));
        using var image = ImageDecoder.Decode(Sanity("bus.jpg"));
        Assert.Equal(direct.Segment(image).ClassMap, result.Segmentation.ClassMap);
        await Assert.ThrowsAsync<TaskOptionsException>(() => BuiltInTasks.Registry.CreateAsync("segment", context,
            new SegmentTaskOptions { Model = "salient", Method = SegmentationMethod.PersonCrops }));
        Assert.Contains(Detectors.CenterNet, task.ModelIds);

        // Crops from the whole-image mask need no detector, and give the segmenter's own mask.
        var maskTask = await BuiltInTasks.Registry.CreateAsync("segment", context, new SegmentTaskOptions { Regions = PersonRegionSource.Mask });
        Assert.DoesNotContain(Detectors.CenterNet, maskTask.ModelIds);
        var fromMask = (await AnalyzeAsync(maskTask, Sanity("bus.jpg"))).Get<SegmentResult>("segment");
        Assert.Equal(SegmentationMethod.PersonCrops, fromMask.Method);
        var maskOnly = new SemanticSegmenter(SegmentationModels.Open(models.Get(SegmentationModels.Selfie), models.Engine));
        Assert.Equal(maskOnly.Segment(image, new SegmentOptions(Regions: PersonRegionSource.Mask)).ClassMap, fromMask.Segmentation.ClassMap);
    }

    [Fact]
    public async Task Embed_gives_the_embedders_unit_vector()
    {
        await using var context = Context();
        var task = (EmbedTask)await BuiltInTasks.Registry.CreateAsync("embed", context);
        var result = (await AnalyzeAsync(task, Sanity("dog.jpg"))).Get<EmbedResult>("embed");

        Assert.Equal(512, result.Dimension);
        Assert.Equal(1, Math.Sqrt(result.Vector.Sum(v => (double)v * v)), 4);
        var direct = task.Worker.Embedder.Embed(Sanity("dog.jpg"));
        Assert.Equal(direct.Vector, result.Vector);
    }

    [Fact]
    public async Task Classify_gives_the_classifiers_answer_and_shares_the_backbone_run_with_embed()
    {
        var folder = TestPaths.Data("flowers-5");
        var classes = Directory.GetDirectories(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var train = classes.SelectMany((c, k) => Directory.GetFiles(Path.Combine(folder, c!)).Order(StringComparer.Ordinal).Take(8).Select(f => (f, k))).ToList();
        var held = classes.Select(c => Directory.GetFiles(Path.Combine(folder, c!)).Order(StringComparer.Ordinal).Skip(20).First()).ToList();
        var backbone = models.Get(Embedders.DefaultModel);
        var embedder = Embedders.Create(backbone, models.Engine);
        var examples = embedder.EmbedFiles(train.Select(t => t.f).ToList())
            .Select((o, i) => new LabelledExample(o.Source.Name, train[i].k, FeatureMap.Apply(o.Result!.Vector))).ToList();
        var model = ClassifierModel.Create(new ClassifierTrainer(new ClassifierTrainingOptions(Folds: 2)).Train(new LabelledSet(classes!, examples)),
            BackboneInfo.From(backbone), new TrainingSummary(folder, [.. Enumerable.Repeat(8, classes.Count)], [], false, 0, 1, 0, 0));
        var file = Path.Combine(Path.GetTempPath(), $"sightline-analysis-{Guid.NewGuid():N}.sightline");
        ClassifierFile.Save(model, file);
        try
        {
            await using var context = Context();
            var classify = await BuiltInTasks.Registry.CreateAsync("classify", context, new ClassifyTaskOptions { Classifier = file, Top = 2 });
            var embed = (EmbedTask)await BuiltInTasks.Registry.CreateAsync("embed", context);
            var outcomes = await new AnalysisPipeline([classify, embed]).RunAllAsync(held.Select(ImageSource.File));

            var direct = new ImageClassifier(model, embedder);
            for (var i = 0; i < held.Count; i++)
            {
                var result = outcomes[i].Result!.Get<ClassifyResult>("classify");
                var expected = direct.Classify(held[i]);
                Assert.Equal(expected.Label, result.Label);
                Assert.Equal(expected.Top(2), result.Predictions);
                Assert.Equal(expected.Label ?? ClassifyResult.UnknownAnswer, result.Answer);
                Assert.Equal(Path.GetFileNameWithoutExtension(file), result.Classifier);
                Assert.Equal(new ModelRef(model.Backbone.Id, model.Backbone.Version), result.Backbone);
            }
            Assert.Equal(held.Count, embed.Worker.Statistics.Items);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
