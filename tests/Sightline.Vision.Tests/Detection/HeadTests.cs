using Sightline.Inference.Sessions;
using Sightline.Vision.Detection;
using Sightline.Vision.Detection.Heads;

namespace Sightline.Vision.Tests.Detection;

public sealed class HeadTests
{
    [Fact]
    public void Expected_bin_is_the_softmax_weighted_mean_index()
    {
        Assert.Equal(2f, NanoDetHead.ExpectedBin([-100, -100, 50, -100]), 4);
        Assert.Equal(1.5f, NanoDetHead.ExpectedBin([0, 0, 0, 0]), 4);
        // Two equal peaks at 1 and 3: the mean lies between them, where arg-max would pick one.
        Assert.Equal(2f, NanoDetHead.ExpectedBin([-100, 10, -100, 10]), 4);
    }

    [Fact]
    public void NanoDet_cell_distances_become_a_box_around_the_cell_centre()
    {
        // A 32x32 input: stride 8 gives 4x4 cells, stride 16 gives 2x2; 3 classes, 5 bins per side.
        const int classes = 3, bins = 5;
        var scores8 = new float[16 * classes];
        var dist8 = new float[16 * 4 * bins];
        Array.Fill(dist8, -100f);
        for (var i = 0; i < 16 * 4; i++) dist8[i * bins] = 100f; // every side 0 bins by default
        // Cell (column 1, row 2): class 2 at 0.9, sides left 1, top 2, right 3, bottom 4 bins.
        var cell = 2 * 4 + 1;
        scores8[cell * classes + 2] = 0.9f;
        scores8[cell * classes + 0] = 0.4f;
        int[] sides = [1, 2, 3, 4];
        for (var k = 0; k < 4; k++)
        {
            dist8[(cell * 4 + k) * bins] = -100f;
            dist8[(cell * 4 + k) * bins + sides[k]] = 100f;
        }
        var scores16 = new float[4 * classes];
        var dist16 = new float[4 * 4 * bins];
        OutputTensor[] outputs =
        [
            new("s8", [1, 16, classes], scores8), new("d8", [1, 16, 4 * bins], dist8),
            new("s16", [1, 4, classes], scores16), new("d16", [1, 4, 4 * bins], dist16),
        ];
        var boxes = new NanoDetHead(32, 32, classes).Decode(outputs, 0, 0.3f);
        Assert.Equal(2, boxes.Count);
        var best = boxes.Single(b => b.ClassId == 2);
        Assert.Equal(0.9f, best.Score);
        // Centre (1.5, 2.5) x 8 = (12, 20); sides x 8 = 8, 16, 24, 32.
        Assert.Equal(BoundingBox.FromCorners(4, 4, 36, 52), best.Box with { X = MathF.Round(best.Box.X, 3), Y = MathF.Round(best.Box.Y, 3), Width = MathF.Round(best.Box.Width, 3), Height = MathF.Round(best.Box.Height, 3) });
        Assert.Equal(best.Box, boxes.Single(b => b.ClassId == 0).Box);
        Assert.Empty(new NanoDetHead(32, 32, classes).Decode(outputs, 0, 0.95f));
    }

    [Fact]
    public void NanoDet_outputs_that_fit_no_stride_are_refused()
    {
        OutputTensor[] outputs = [new("s", [1, 7, 3], new float[21]), new("d", [1, 7, 8], new float[56])];
        Assert.Throws<InvalidDataException>(() => new NanoDetHead(32, 32, 3).Decode(outputs, 0, 0.5f));
    }

    [Fact]
    public void CenterNet_rows_become_boxes_and_low_scores_or_bad_classes_are_dropped()
    {
        float[] rows =
        [
            10, 20, 110, 220, 0.8f, 5,
            0, 0, 10, 10, 0.1f, 1,
            5, 5, 50, 50, 0.9f, 99,
        ];
        var boxes = new CenterNetHead(80).Decode([new OutputTensor("tower_0/detections", [1, 3, 6], rows)], 0, 0.3f);
        var box = Assert.Single(boxes);
        Assert.Equal(5, box.ClassId);
        Assert.Equal(new BoundingBox(10, 20, 100, 200), box.Box);
    }

    [Fact]
    public void Localization_prefers_a_confident_large_object_and_reports_nothing_found()
    {
        DetectedObject Obj(string name, float score, float area) => new(0, name, score, new BoundingBox(0, 0, area * 100, 100), new BoundingBox(0, 0, area, 1));
        var detection = new DetectionResult("x.jpg", 100, 100, "m", "1", [Obj("cup", 0.9f, 0.02f), Obj("cat", 0.6f, 0.8f), Obj("dog", 0.3f, 0.9f)], default);
        Assert.Equal("cat", ObjectLocalization.MainObject(detection).Object!.Value.ClassName);
        Assert.Equal("cup", ObjectLocalization.MainObject(detection, "CUP").Object!.Value.ClassName);
        var none = ObjectLocalization.MainObject(detection, "horse");
        Assert.False(none.Found);
        Assert.Null(none.Object);
    }
}
