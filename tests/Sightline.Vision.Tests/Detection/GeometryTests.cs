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

    [Fact]
    public void One_object_seen_as_several_classes_keeps_only_its_strongest_class()
    {
        ScoredBox[] boxes =
        [
            new(new(100, 100, 200, 150), 0.36f, 17),   // horse
            new(new(101, 100, 199, 151), 0.35f, 19),   // cow on the same box (IoU 0.98): the same object
            new(new(99, 101, 201, 149), 0.31f, 18),    // sheep on the same box: the same object
            new(new(150, 60, 60, 120), 0.80f, 0),      // a rider on the horse (IoU 0.15): another object
            new(new(400, 300, 300, 100), 0.70f, 60),   // a dining table
            new(new(420, 310, 40, 40), 0.50f, 41),     // a cup inside the table's box (all of it, IoU 0.05): kept
            new(new(102, 102, 200, 150), 0.20f, 17),   // a weaker horse on the horse: same-class NMS as before
        ];

        var kept = NonMaxSuppression.StrongestClassPerObject(boxes, 0.5f, DetectOptions.DefaultSameObjectIou);

        Assert.Equal([0, 60, 41, 17], kept.Select(k => k.ClassId));
        // Per class, the cow and the sheep stay (what COCO evaluation scores).
        Assert.Equal([0, 60, 41, 17, 19, 18], NonMaxSuppression.PerClass(boxes, 0.5f).Select(k => k.ClassId));
        Assert.Equal(2, NonMaxSuppression.StrongestClassPerObject(boxes, 0.5f, DetectOptions.DefaultSameObjectIou, maxDetections: 2).Count);
    }

    [Fact]
    public void Boxes_of_two_classes_overlapping_less_than_the_same_object_bound_both_stay()
    {
        // IoU 0.6: two objects side by side (a person beside a bicycle, say), not one object.
        ScoredBox[] boxes = [new(new(0, 0, 100, 100), 0.9f, 0), new(new(25, 0, 100, 100), 0.8f, 1)];
        Assert.Equal(0.6f, BoundingBox.IoU(boxes[0].Box, boxes[1].Box), 5);
        Assert.Equal(2, NonMaxSuppression.StrongestClassPerObject(boxes, 0.5f, DetectOptions.DefaultSameObjectIou).Count);
        // The bound never goes below the per-class IoU: a looser one would undo per-class NMS's meaning.
        Assert.Equal(2, NonMaxSuppression.StrongestClassPerObject(boxes, 0.7f, 0.3f).Count);
    }
}
