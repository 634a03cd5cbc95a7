using Sightline.Faces.Attributes;
using Sightline.Faces.Descriptors;
using Sightline.Imaging;
using Sightline.Tests.Shared;
using Sightline.Vision.Pipeline;

namespace Sightline.Faces.Tests.Pipeline;

/// <summary>
/// Photos analysed at once, their networks' runs shared through one context (the pipeline's way), get what each
/// gets analysed alone: every face, box, landmark, descriptor and attribute within 1e-5.
/// </summary>
[Collection(PretrainedCollection.Name)]
public sealed class FaceSharedRunsTests(PretrainedModels models)
{
    private const double Tolerance = 1e-5;

    private static readonly string[] Photos = ["bbt1.jpg", "bbt2.jpg", "bbt3.jpg", "bbt4.jpg", "bbt5.jpg"];

    [Theory]
    [InlineData("face-api")]
    [InlineData("human")]
    public async Task Photos_in_shared_runs_get_what_each_gets_alone(string family)
    {
        var choice = family == "human"
            ? FaceModels.Default with { Describer = FaceResDescriber.Id, Emotion = HumanEmotionClassifier.Id }
            : FaceModels.Default;
        var single = await FaceAnalyzer.CreateAsync(models.Store, models.Engine, choice);
        await using var context = TaskContext.Create(models.Store, models.Engine,
            batching: new BatchingOptions(MaxBatch: 8, Window: TimeSpan.FromMilliseconds(20)));
        var shared = await FaceAnalyzer.CreateAsync(context, choice);
        var images = Photos.Select(p => ImageDecoder.Decode(Path.Combine(FaceScenes.Data, "images", p), FaceAnalysisTask.Size)).ToList();
        try
        {
            var alone = images.Select(image => single.Analyze(image)).ToList();
            var together = await Task.WhenAll(images.Select(image => Task.Run(() => shared.Analyze(image))));

            Assert.True(alone.Sum(a => a.Faces.Count) >= 20, $"{alone.Sum(a => a.Faces.Count)} faces in the scenes");
            for (var p = 0; p < images.Count; p++)
            {
                Assert.Equal(alone[p].Faces.Count, together[p].Faces.Count);
                for (var f = 0; f < alone[p].Faces.Count; f++)
                    AssertSame(alone[p].Faces[f], together[p].Faces[f], $"{Photos[p]} face {f}");
            }
        }
        finally
        {
            images.ForEach(i => i.Dispose());
        }
    }

    private static void AssertSame(AnalyzedFace expected, AnalyzedFace actual, string where)
    {
        Close([expected.Box.X, expected.Box.Y, expected.Box.Width, expected.Box.Height, expected.Score],
            [actual.Box.X, actual.Box.Y, actual.Box.Width, actual.Box.Height, actual.Score], where + " box");
        Close(expected.Landmarks68!.SelectMany(p => new[] { p.X, p.Y }).ToArray(), actual.Landmarks68!.SelectMany(p => new[] { p.X, p.Y }).ToArray(), where + " landmarks");
        Close(expected.Descriptor!.Values, actual.Descriptor!.Values, where + " descriptor");
        Assert.Equal(expected.Emotion!.Label, actual.Emotion!.Label);
        Close(expected.Emotion.Scores.OrderBy(s => s.Key).Select(s => s.Value).ToArray(), actual.Emotion.Scores.OrderBy(s => s.Key).Select(s => s.Value).ToArray(), where + " expression");
        Assert.Equal(expected.AgeGender!.Value.Gender, actual.AgeGender!.Value.Gender);
        Close([expected.AgeGender.Value.Age, expected.AgeGender.Value.GenderScore], [actual.AgeGender.Value.Age, actual.AgeGender.Value.GenderScore], where + " age and gender");
    }

    /// <summary>Equal within <see cref="Tolerance"/>, relative to the value's size for pixels and years.</summary>
    private static void Close(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"{what}[{i}]: alone {expected[i]}, in shared runs {actual[i]}");
    }
}
