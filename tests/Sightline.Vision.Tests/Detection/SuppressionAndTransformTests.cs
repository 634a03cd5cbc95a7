using Sightline.Vision.Detection;

namespace Sightline.Vision.Tests.Detection;

/// <summary>The shared greedy suppression core, its overlap rules, and the one map from model input to original pixels.</summary>
public sealed class SuppressionAndTransformTests
{
    private readonly record struct Face(BoundingBox Box, float Score, string Name);

    [Fact]
    public void Containment_is_the_share_of_the_smaller_box_inside_the_other()
    {
        Assert.Equal(1f, BoundingBox.Containment(new(0, 0, 100, 100), new(10, 10, 20, 20)));
        Assert.Equal(0.5f, BoundingBox.Containment(new(0, 0, 100, 100), new(90, 0, 20, 10)), 5);
        Assert.Equal(0f, BoundingBox.Containment(new(0, 0, 100, 100), new(200, 0, 0, 0)));
    }

    [Fact]
    public void Iou_or_containment_merges_a_part_of_a_face_that_iou_alone_keeps()
    {
        Face[] faces =
        [
            new(new(0, 0, 100, 100), 0.9f, "face"),
            new(new(10, 10, 40, 40), 0.8f, "half of it, cut by a tile edge"),  // IoU 0.16, all inside
            new(new(300, 0, 100, 100), 0.7f, "another face"),
        ];
        var byIoU = NonMaxSuppression.Greedy(faces, f => f.Score, f => f.Box, NonMaxSuppression.IoUAbove(0.3f));
        Assert.Equal(3, byIoU.Count);
        var merged = NonMaxSuppression.Greedy(faces, f => f.Score, f => f.Box, NonMaxSuppression.IoUOrContainmentAbove(0.3f, 0.6f));
        Assert.Equal(["face", "another face"], merged.Select(f => f.Name));
    }

    [Fact]
    public void Greedy_keeps_best_first_ties_in_input_order_and_stops_at_the_bound()
    {
        Face[] faces =
        [
            new(new(0, 0, 10, 10), 0.5f, "a"),
            new(new(100, 0, 10, 10), 0.9f, "b"),
            new(new(200, 0, 10, 10), 0.5f, "c"),
            new(new(300, 0, 10, 10), 0.7f, "d"),
        ];
        var rule = NonMaxSuppression.IoUAbove(0.5f);
        Assert.Equal(["b", "d", "a", "c"], NonMaxSuppression.Greedy(faces, f => f.Score, f => f.Box, rule).Select(f => f.Name));
        Assert.Equal(["b", "d"], NonMaxSuppression.Greedy(faces, f => f.Score, f => f.Box, rule, maxKept: 2).Select(f => f.Name));
    }

    [Fact]
    public void Transform_undoes_the_letterbox_then_the_scaled_decode()
    {
        // A 4000x3000 photo decoded at 1000x750, letterboxed into 512x512: scale 0.512, 64 px of padding above and below.
        var fit = Letterbox.Fit(1000, 750, 512, 512);
        var transform = new InputTransform(fit, 4f, 4f, 4000, 3000);
        Assert.Equal(64f, fit.PadY);
        var box = transform.ToOriginal(new BoundingBox(51.2f, 64 + 51.2f, 102.4f, 51.2f));
        Assert.Equal(400f, box.X, 2);
        Assert.Equal(400f, box.Y, 2);
        Assert.Equal(800f, box.Width, 2);
        Assert.Equal(400f, box.Height, 2);
        var (x, y) = transform.ToOriginal(256f, 256f);
        Assert.Equal((2000f, 1500f), (MathF.Round(x, 2), MathF.Round(y, 2)));
    }

    [Fact]
    public void Transform_clips_boxes_to_the_original_and_scales_lengths_into_the_input()
    {
        // Stretched: a 1000x500 bitmap (of a 2000x1000 original) into 100x100.
        var transform = new InputTransform(Letterbox.Stretch(1000, 500, 100, 100), 2f, 2f, 2000, 1000);
        var box = transform.ToOriginal(new BoundingBox(90, -10, 20, 30));
        Assert.Equal((1800f, 0f, 200f, 200f), (box.X, box.Y, box.Width, box.Height));
        // 200 original pixels across are 100 bitmap pixels, 10 input pixels.
        Assert.Equal(10f, transform.ToInputLength(200), 4);
    }

    [Fact]
    public void Transform_of_the_bitmap_itself_only_undoes_the_scaled_decode()
    {
        var transform = new InputTransform(Letterbox.Stretch(640, 480, 640, 480), 3f, 3f, 1920, 1440);
        Assert.Equal(new BoundingBox(30, 60, 90, 120), transform.ToOriginal(new BoundingBox(10, 20, 30, 40)));
        Assert.Equal(60f, transform.ToInputLength(180));
    }
}
