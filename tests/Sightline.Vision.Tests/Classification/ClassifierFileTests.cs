using Sightline.Imaging;
using Sightline.Vision.Embeddings;
using System.IO.Compression;
using System.Text;
using Sightline.Vision.Classification;

namespace Sightline.Vision.Tests.Classification;

public sealed class ClassifierFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-classifier-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static ClassifierModel SampleModel()
    {
        var data = Synthetic.Clusters(Synthetic.Centres(3, 8, 31), 10, 0.2, 32);
        var trained = new ClassifierTrainer(new ClassifierTrainingOptions(Folds: 3)).Train(data);
        var backbone = new BackboneInfo("test-backbone", "1.0+abc", new string('a', 64), 8, 224, 224, "224x224 NCHW RGB");
        var summary = new TrainingSummary("/data", data.CountPerClass(), [new SkippedFile("/data/class0/bad.jpg", "truncated")], false, 0, 1, 1.5, 0.5);
        return ClassifierModel.Create(trained, backbone, summary);
    }

    [Fact]
    public void Round_trip_keeps_everything_that_classifies()
    {
        var model = SampleModel();
        var path = Path.Combine(_dir, "m.sightline");
        ClassifierFile.Save(model, path);
        var loaded = ClassifierFile.Load(path);
        Assert.Equal(model.Classes, loaded.Classes);
        Assert.Equal(model.Head.Weights, loaded.Head.Weights);
        Assert.Equal(model.Head.Bias, loaded.Head.Bias);
        Assert.Equal(model.Unknown.Score, loaded.Unknown.Score);
        Assert.Equal(model.Unknown.Threshold, loaded.Unknown.Threshold);
        Assert.Equal(model.Unknown.Centroids, loaded.Unknown.Centroids);
        Assert.Equal(model.Backbone, loaded.Backbone);
        Assert.Equal(model.Created, loaded.Created);
        Assert.Equal(model.Metrics.Accuracy, loaded.Metrics.Accuracy);
        Assert.Equal(model.Metrics.Report.Confusion, loaded.Metrics.Report.Confusion);
        Assert.Equal(model.Metrics.UnknownTradeOff, loaded.Metrics.UnknownTradeOff);
        Assert.Equal(model.Training.Skipped, loaded.Training.Skipped);
        var probe = Synthetic.Unit([1, 2, 3, 4, 5, 6, 7, 8]);
        Assert.Equal(ImageClassifier.Classify(model, probe, "p").Probabilities, ImageClassifier.Classify(loaded, probe, "p").Probabilities);
    }

    [Fact]
    public void A_rule_that_never_rejects_survives_the_round_trip()
    {
        var model = SampleModel() with { Unknown = new UnknownRule(UnknownScore.MaxLogit, null) };
        var path = Path.Combine(_dir, "never.sightline");
        ClassifierFile.Save(model, path);
        Assert.Null(ClassifierFile.Load(path).Unknown.Threshold);
    }

    private static ClassifierModel UncalibratedModel()
    {
        // Two classes of four: too few validated images to calibrate an unknown rule.
        var data = Synthetic.Clusters(Synthetic.Centres(2, 8, 41), 4, 0.2, 42);
        var trained = new ClassifierTrainer(new ClassifierTrainingOptions(Folds: 2)).Train(data);
        var backbone = new BackboneInfo("test-backbone", "1.0+abc", new string('a', 64), 8, 224, 224, "224x224 NCHW RGB");
        return ClassifierModel.Create(trained, backbone, new TrainingSummary("/data", data.CountPerClass(), [], false, 0, 1, 0, 0));
    }

    private static string JsonInside(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        using var reader = new StreamReader(zip.GetEntry(ClassifierFile.EntryName)!.Open());
        return reader.ReadToEnd();
    }

    [Fact]
    public void An_uncalibrated_rule_is_stored_as_off_and_no_infinity_or_nan_reaches_the_file()
    {
        var path = Path.Combine(_dir, "small.sightline");
        ClassifierFile.Save(UncalibratedModel(), path);
        var json = JsonInside(path);
        Assert.DoesNotContain("Infinity", json);
        Assert.DoesNotContain("NaN", json);
        Assert.Contains("\"threshold\": \"off\"", json);
        var loaded = ClassifierFile.Load(path);
        Assert.False(ImageClassifier.Classify(loaded, Synthetic.Unit([1, -1, 1, -1, 1, -1, 1, -1]), "far").Unknown);
    }

    [Fact]
    public void An_older_file_with_a_minus_infinity_threshold_reads_as_off_and_a_nan_one_is_corrupt()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(UncalibratedModel(), ClassifierFile.JsonOptions);
        var older = json.Replace("\"threshold\": \"off\"", "\"threshold\": \"-Infinity\"");
        Assert.NotEqual(json, older);
        Assert.Null(ClassifierFile.Parse(Encoding.UTF8.GetBytes(older), "older.sightline").Unknown.Threshold);
        var nan = json.Replace("\"threshold\": \"off\"", "\"threshold\": \"NaN\"");
        var e = Assert.Throws<ClassifierFileException>(() => ClassifierFile.Parse(Encoding.UTF8.GetBytes(nan), "nan.sightline"));
        Assert.Equal(ClassifierFileErrorKind.Corrupt, e.Kind);
        Assert.Contains("nan.sightline", e.Message);
    }

    [Fact]
    public void The_onnx_metadata_of_an_uncalibrated_rule_says_off_without_infinity()
    {
        var unknown = ClassifierExport.Metadata(UncalibratedModel(), 224, 224)["sightline.unknown"];
        Assert.DoesNotContain("Infinity", unknown);
        Assert.Contains("\"threshold\": \"off\"", unknown);
        using var parsed = System.Text.Json.JsonDocument.Parse(unknown);
        Assert.Equal("off", parsed.RootElement.GetProperty("threshold").GetString());
    }

    [Fact]
    public void Corrupt_files_are_reported_as_corrupt()
    {
        var path = Path.Combine(_dir, "m.sightline");
        ClassifierFile.Save(SampleModel(), path);
        var bytes = File.ReadAllBytes(path);

        var truncated = Path.Combine(_dir, "truncated.sightline");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        Assert.Equal(ClassifierFileErrorKind.Corrupt, Assert.Throws<ClassifierFileException>(() => ClassifierFile.Load(truncated)).Kind);

        var text = Path.Combine(_dir, "notes.sightline");
        File.WriteAllText(text, "hello");
        Assert.Equal(ClassifierFileErrorKind.Corrupt, Assert.Throws<ClassifierFileException>(() => ClassifierFile.Load(text)).Kind);

        // A valid zip whose JSON disagrees with itself (2 class names for a 3-class head).
        var inconsistent = Rewrite(path, json => json.Replace("\"class2\"", "\"class1\""));
        var e = Assert.Throws<ClassifierFileException>(() => ClassifierFile.Load(inconsistent));
        Assert.Equal(ClassifierFileErrorKind.Corrupt, e.Kind);
        Assert.Contains("duplicate", e.Message);

        var broken = Rewrite(path, json => json[..(json.Length / 2)]);
        Assert.Equal(ClassifierFileErrorKind.Corrupt, Assert.Throws<ClassifierFileException>(() => ClassifierFile.Load(broken)).Kind);

        var missing = Assert.Throws<ClassifierFileException>(() => ClassifierFile.Load(Path.Combine(_dir, "nope.sightline")));
        Assert.Equal(ClassifierFileErrorKind.Io, missing.Kind);
    }

    [Fact]
    public void A_version_1_file_still_loads_with_its_old_centroid_rule_and_cannot_claim_the_raw_one()
    {
        // A version-1 file as older Sightlines wrote it: the centroid cosine over the head's features.
        var current = SampleModel();
        var centroids = UnknownCalibration.Centroids(Synthetic.Clusters(Synthetic.Centres(3, 8, 31), 10, 0.2, 32).Examples.Select(e => (e.Features, e.Label)), 3, 8);
        var old = current with { FormatVersion = 1, Unknown = new UnknownRule(UnknownScore.CentroidCosine, 0.9, centroids) };
        var path = Path.Combine(_dir, "old.sightline");
        ClassifierFile.Save(old, path);
        var loaded = ClassifierFile.Load(path);
        Assert.Equal(1, loaded.FormatVersion);
        Assert.Equal(UnknownScore.CentroidCosine, loaded.Unknown.Score);
        var probe = Synthetic.Unit([1, 2, 3, 4, 5, 6, 7, 8]);
        var expected = centroids.Max(c => System.Numerics.Tensors.TensorPrimitives.Dot(c, probe));
        Assert.Equal(expected, ImageClassifier.Classify(loaded, probe.Select(v => v * v).ToArray(), "p").UnknownScore, 5);
        // New classifiers carry the raw rule at the current version; a version-1 file claiming it is damaged.
        Assert.Equal(UnknownScore.RawCentroidCosine, current.Unknown.Score);
        Assert.Equal(ClassifierModel.CurrentFormatVersion, current.FormatVersion);
        var raw = Path.Combine(_dir, "raw.sightline");
        ClassifierFile.Save(current, raw);
        var claimed = Rewrite(raw, json => json.Replace($"\"formatVersion\": {ClassifierModel.CurrentFormatVersion}", "\"formatVersion\": 1"));
        Assert.Equal(ClassifierFileErrorKind.Corrupt, Assert.Throws<ClassifierFileException>(() => ClassifierFile.Load(claimed)).Kind);
    }

    [Fact]
    public void A_file_whose_rule_uses_a_score_the_format_does_not_hold_is_refused_as_damaged()
    {
        var path = Path.Combine(_dir, "m.sightline");
        ClassifierFile.Save(SampleModel(), path);
        var edited = Rewrite(path, json => json.Replace("\"rawCentroidCosine\"", "\"mahalanobis\""));
        var e = Assert.Throws<ClassifierFileException>(() => ClassifierFile.Load(edited));
        Assert.Equal(ClassifierFileErrorKind.Corrupt, e.Kind);
        Assert.Contains("Mahalanobis", e.Message);
    }

    [Fact]
    public void Another_format_version_is_refused_with_both_versions_named()
    {
        var path = Path.Combine(_dir, "m.sightline");
        ClassifierFile.Save(SampleModel(), path);
        var newer = Rewrite(path, json => json.Replace($"\"formatVersion\": {ClassifierModel.CurrentFormatVersion}", "\"formatVersion\": 7"));
        var e = Assert.Throws<ClassifierFileException>(() => ClassifierFile.Load(newer));
        Assert.Equal(ClassifierFileErrorKind.IncompatibleVersion, e.Kind);
        Assert.Contains("7", e.Message);
        Assert.Contains($"versions {ClassifierModel.OldestReadableFormatVersion} to {ClassifierModel.CurrentFormatVersion}", e.Message);
    }

    [Fact]
    public void A_classifier_refuses_an_embedder_of_another_backbone()
    {
        var model = SampleModel();
        var embedder = new FakeEmbedder("other-backbone", "9");
        Assert.Equal(ClassifierFileErrorKind.BackboneMismatch, Assert.Throws<ClassifierFileException>(() => new ImageClassifier(model, embedder)).Kind);
        var sameIdOtherVersion = new FakeEmbedder(model.Backbone.Id, "2.0");
        Assert.Throws<ClassifierFileException>(() => new ImageClassifier(model, sameIdOtherVersion));
    }

    private string Rewrite(string path, Func<string, string> edit)
    {
        string json;
        using (var zip = ZipFile.OpenRead(path))
        using (var reader = new StreamReader(zip.GetEntry(ClassifierFile.EntryName)!.Open()))
            json = reader.ReadToEnd();
        var target = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".sightline");
        using var stream = File.Create(target);
        using var output = new ZipArchive(stream, ZipArchiveMode.Create);
        using var writer = new StreamWriter(output.CreateEntry(ClassifierFile.EntryName).Open(), new UTF8Encoding(false));
        writer.Write(edit(json));
        return target;
    }

    private sealed class FakeEmbedder(string id, string version) : IImageEmbedder
    {
        public string ModelId => id;
        public string ModelVersion => version;
        public int Dimension => 8;
        public EmbedderOptions Options => EmbedderOptions.Default;
        public DecodeSize DecodeSize => DecodeSize.Cover(8, 8);
        public ImageEmbedding Embed(string path) => throw new NotSupportedException();
        public IReadOnlyList<ImageEmbedding> Embed(IReadOnlyList<DecodedImage> images) => throw new NotSupportedException();
        public IReadOnlyList<Sightline.Vision.Pipeline.Outcome<ImageEmbedding>> EmbedFiles(IReadOnlyList<string> paths, IProgress<int>? progress = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
