using Sightline.Vision.Detection;

namespace Sightline.Vision.Tests.Detection;

public sealed class GeometryTests
{
    [Fact]
    public void IoU_of_known_boxes()
    {
        Assert.Equal(1f, BoundingBox.IoU(new(0, 0, 10, 10), new(0, 0, 10, 10)));
        Assert.Equal(0f, BoundingBox.IoU(new(0, 0, 10, 10), new(10, 0, 10, 10)));
        Assert.Equal(25f / 175f, BoundingBox.IoU(new(0, 0, 10, 10), new(5, 5, 10, 10)), 6);
        Assert.Equal(0f, BoundingBox.IoU(new(0, 0, 0, 0), new(0, 0, 0, 0)));
    }

    [Fact]
    public void Letterbox_fits_keeps_aspect_centres_and_maps_back()
    {
        var fit = Letterbox.Fit(640, 480, 416, 416);
        Assert.Equal(0.65f, fit.ScaleX, 5);
        Assert.Equal(0f, fit.PadX);
        Assert.Equal(52f, fit.PadY, 4);
        var back = fit.ToSource(new BoundingBox(65, 52 + 32.5f, 130, 65));
        Assert.Equal(new BoundingBox(100, 50, 200, 100), back with { X = MathF.Round(back.X, 3), Y = MathF.Round(back.Y, 3), Width = MathF.Round(back.Width, 3), Height = MathF.Round(back.Height, 3) });
    }

    [Fact]
    public void Mapped_boxes_are_clipped_to_the_image()
    {
        var stretch = Letterbox.Stretch(100, 50, 200, 200);
        var box = stretch.ToSource(new BoundingBox(-20, 180, 100, 100));
        Assert.Equal(0f, box.X);
        Assert.Equal(50f, box.Bottom);
        Assert.Equal(40f, box.Width);
    }

    [Fact]
    public void Per_class_nms_keeps_overlaps_of_different_classes_and_drops_same_class_ones()
    {
        ScoredBox[] boxes =
        [
            new(new(0, 0, 100, 100), 0.9f, 0),
            new(new(5, 5, 100, 100), 0.8f, 0),  // same class, IoU 0.82: dropped
            new(new(5, 5, 100, 100), 0.7f, 1),  // other class: kept
            new(new(200, 0, 50, 50), 0.6f, 0),  // no overlap: kept
        ];
        var kept = NonMaxSuppression.PerClass(boxes, 0.5f);
        Assert.Equal([0.9f, 0.7f, 0.6f], kept.Select(k => k.Score));
        Assert.Equal(2, NonMaxSuppression.ClassAgnostic(boxes, 0.5f).Count);
        Assert.Single(NonMaxSuppression.PerClass(boxes, 0.5f, maxDetections: 1));
    }
}
