using Sightline.Vision.Detection;
using Sightline.Vision.Segmentation;
using SkiaSharp;

namespace Sightline.Vision.Tests.Segmentation;

public sealed class ScoreMapTests
{
    [Fact]
    public void One_probability_channel_becomes_background_and_foreground()
    {
        var map = ScoreMaps.FromOutput([0.2f, 0.9f], [1, 1, 2], ScoreActivation.Auto, minMax: false);
        Assert.Equal(2, map.Channels);
        Assert.Equal([0.8f, 0.1f, 0.2f, 0.9f], map.Values, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Channels_last_logits_get_a_softmax_across_channels_not_rows()
    {
        // NHWC, 3x4 pixels x 2 channels: pixel 0 favours background, pixel 1 the person, the rest are even.
        var logits = new float[24];
        (logits[0], logits[1], logits[2], logits[3]) = (2f, -2f, -1f, 3f);
        var map = ScoreMaps.FromOutput(logits, [1, 3, 4, 2], ScoreActivation.Softmax, minMax: false);
        Assert.Equal(2, map.Channels);
        var person = map.Foreground.ToArray();
        Assert.True(person[0] < 0.1f && person[1] > 0.9f);
        Assert.Equal(0.5f, person[5], 5);
        Assert.Equal(1f, map.Plane(0)[0] + map.Plane(1)[0], 5);
    }

    [Fact]
    public void Auto_applies_sigmoid_to_one_channel_of_logits_and_min_max_stretches()
    {
        var logits = ScoreMaps.FromOutput([-10f, 0f, 10f], [1, 1, 1, 3], ScoreActivation.Auto, minMax: false);
        Assert.Equal(0.5f, logits.Foreground[1], 4);
        var stretched = ScoreMaps.FromOutput([0.2f, 0.3f, 0.4f], [1, 1, 1, 3], ScoreActivation.Probability, minMax: true);
        Assert.Equal([0f, 0.5f, 1f], stretched.Foreground.ToArray(), (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void Sampling_maps_model_pixels_back_onto_the_region()
    {
        // A 2x2 map covering a 4x4 region at (2, 2): each model pixel covers 2x2 image pixels.
        var map = new ScoreMap(2, 2, 2, [1, 1, 1, 1, 0, 1, 0, 1]);
        var placement = new CropPlacement(SKRectI.Create(2, 2, 4, 4), Letterbox.Stretch(4, 4, 2, 2));
        var patch = MaskComposition.Sample(map, 1, placement);
        Assert.Equal(16, patch.Values.Length);
        Assert.Equal(0f, patch.Values[0]);
        Assert.Equal(1f, patch.Values[3]);
        Assert.InRange(patch.Values[1], 0f, 0.5f);
        var full = new float[8 * 8];
        MaskComposition.MaxInto(patch, full, 8);
        Assert.Equal(1f, full[2 * 8 + 5]);
        Assert.Equal(0f, full[0]);
    }

    [Fact]
    public void Overlapping_instances_give_each_pixel_to_one_only()
    {
        var a = new ProbabilityPatch(SKRectI.Create(0, 0, 3, 1), [0.9f, 0.6f, 0.6f]);
        var b = new ProbabilityPatch(SKRectI.Create(1, 0, 3, 1), [0.8f, 0.6f, 0.9f]);
        var masks = MaskComposition.Assign([a, b], 4, 1, 0.5f);
        Assert.Equal([1, 1, 1, 0], masks[0].Data); // pixels 1 and 2 go to the first (stronger) instance, however sure the second is
        Assert.Equal([0, 0, 0, 1], masks[1].Data);
        var unresolved = MaskComposition.Assign([a, b], 4, 1, 0.5f, resolve: false);
        Assert.Equal(3, unresolved[0].Area);
        Assert.Equal(3, unresolved[1].Area);
    }

    [Fact]
    public void Overlaps_are_resolved_within_a_class_only()
    {
        var a = new ProbabilityPatch(SKRectI.Create(0, 0, 3, 1), [0.9f, 0.6f, 0.6f]);
        var b = new ProbabilityPatch(SKRectI.Create(1, 0, 3, 1), [0.8f, 0.6f, 0.9f]);
        var twoClasses = MaskComposition.Assign([a, b], 4, 1, 0.5f, groups: [0, 1]);
        Assert.Equal([1, 1, 1, 0], twoClasses[0].Data);
        Assert.Equal([0, 1, 1, 1], twoClasses[1].Data);
        var oneClass = MaskComposition.Assign([b, a], 4, 1, 0.5f, groups: [3, 3]);
        Assert.Equal([0, 1, 1, 1], oneClass[0].Data);
        Assert.Equal([1, 0, 0, 0], oneClass[1].Data);
        Assert.Throws<ArgumentException>(() => MaskComposition.Assign([a, b], 4, 1, 0.5f, groups: [0]));
    }

    [Fact]
    public void Extent_agreement_is_the_iou_of_the_mask_extent_with_the_box()
    {
        // 10x10 region at (5, 5); the pixels above the threshold span its columns 6-9 and rows 5-9 (4x5 at (11, 10)).
        var values = new float[100];
        for (var y = 5; y < 10; y++)
            for (var x = 6; x < 10; x++)
                values[y * 10 + x] = 0.8f;
        values[0] = 0.4f; // below the threshold: not part of the extent
        var patch = new ProbabilityPatch(SKRectI.Create(5, 5, 10, 10), values);
        Assert.Equal(1f, MaskComposition.ExtentAgreement(patch, 0.5f, new BoundingBox(11, 10, 4, 5)), 1e-6f);
        Assert.Equal(0.5f, MaskComposition.ExtentAgreement(patch, 0.5f, new BoundingBox(11, 10, 8, 5)), 1e-6f);
        Assert.Equal(0f, MaskComposition.ExtentAgreement(patch, 0.9f, new BoundingBox(11, 10, 4, 5)));
        Assert.Equal(0f, MaskComposition.ExtentAgreement(patch, 0.5f, new BoundingBox(0, 0, 3, 3)));
        // The mask made from the patch spans the same pixels.
        var mask = MaskComposition.Assign([patch], 20, 20, 0.5f)[0];
        Assert.Equal(0.5f, MaskComposition.ExtentAgreement(mask, patch.Region, new BoundingBox(11, 10, 8, 5)), 1e-6f);
    }

    [Fact]
    public void Padding_grows_boxes_inside_the_image_and_shares_are_counted()
    {
        Assert.Equal(new SKRectI(0, 9, 15, 21), MaskComposition.Pad(new BoundingBox(0.5f, 10, 14, 10), 0.1f, 15, 100));
        var shares = MaskComposition.Shares(new byte[] { 0, 0, 0, 1 }, ["background", "person"]);
        Assert.Equal(("background", 0.75), (shares[0].ClassName, shares[0].Fraction));
        Assert.Equal(1, shares[1].Pixels);
    }
}
