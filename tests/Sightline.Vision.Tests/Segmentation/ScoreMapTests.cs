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

    // The textbook bilinear sample at image pixel (x, y) of a stretched whole-image map, one pixel at a time.
    private static float Bilinear(ScoreMap map, int channel, int width, int height, int x, int y)
    {
        float sx = Math.Clamp((x + 0.5f) * map.Width / width - 0.5f, 0, map.Width - 1), sy = Math.Clamp((y + 0.5f) * map.Height / height - 0.5f, 0, map.Height - 1);
        int x0 = (int)sx, y0 = (int)sy, x1 = Math.Min(x0 + 1, map.Width - 1), y1 = Math.Min(y0 + 1, map.Height - 1);
        var p = map.Plane(channel);
        float fx = sx - x0, fy = sy - y0;
        var top = p[y0 * map.Width + x0] * (1 - fx) + p[y0 * map.Width + x1] * fx;
        var bottom = p[y1 * map.Width + x0] * (1 - fx) + p[y1 * map.Width + x1] * fx;
        return top * (1 - fy) + bottom * fy;
    }

    private static ScoreMap RandomTwoClassMap(int width, int height, int seed)
    {
        var random = new Random(seed);
        var values = new float[2 * width * height];
        for (var i = 0; i < width * height; i++)
        {
            values[width * height + i] = (float)random.NextDouble();
            values[i] = 1 - values[width * height + i];
        }
        return new ScoreMap(width, height, 2, values);
    }

    [Fact]
    public void Row_by_row_sampling_matches_bilinear_at_every_pixel()
    {
        var map = RandomTwoClassMap(7, 5, seed: 3);
        var placement = new CropPlacement(SKRectI.Create(0, 0, 23, 17), Letterbox.Stretch(23, 17, 7, 5));
        var patch = MaskComposition.Sample(map, 1, placement);
        for (var y = 0; y < 17; y++)
            for (var x = 0; x < 23; x++)
                Assert.Equal(Bilinear(map, 1, 23, 17, x, y), patch.Values[y * 23 + x], 1e-5f);
    }

    [Fact]
    public void Class_map_of_a_two_class_map_is_the_per_pixel_winner_and_threshold_moves_it()
    {
        var map = RandomTwoClassMap(9, 6, seed: 11);
        var placement = new CropPlacement(SKRectI.Create(0, 0, 31, 20), Letterbox.Stretch(31, 20, 9, 6));
        var classes = MaskComposition.ArgMax(map, placement);
        var strict = MaskComposition.Threshold(map, 1, placement, 0.8f);
        var people = 0;
        for (var y = 0; y < 20; y++)
            for (var x = 0; x < 31; x++)
            {
                var person = Bilinear(map, 1, 31, 20, x, y);
                var background = Bilinear(map, 0, 31, 20, x, y);
                if (Math.Abs(person - background) > 1e-4f)
                    Assert.Equal(person > background ? 1 : 0, classes[y * 31 + x]);
                if (Math.Abs(person - 0.8f) > 1e-4f)
                    Assert.Equal(person >= 0.8f ? 1 : 0, strict[y * 31 + x]);
                people += classes[y * 31 + x];
            }
        Assert.InRange(people, 1, 31 * 20 - 1); // the random map has both classes
        Assert.True(strict.Count(c => c == 1) < people);
    }

    [Fact]
    public void Class_map_of_several_classes_takes_the_most_probable_and_ties_go_to_the_lower()
    {
        // 1x2 map of three classes: the left pixel is class 2's, the right one a tie of classes 0 and 1.
        var map = new ScoreMap(2, 1, 3, [0.1f, 0.5f, 0.2f, 0.5f, 0.7f, 0f]);
        var classes = MaskComposition.ArgMax(map, new CropPlacement(SKRectI.Create(0, 0, 2, 1), Letterbox.Stretch(2, 1, 2, 1)));
        Assert.Equal([2, 0], classes);
    }

    [Fact]
    public void Shares_count_each_class_of_a_mask_and_of_a_many_class_map()
    {
        var mask = MaskComposition.Shares([0, 1, 1, 0, 1], ["background", "person"]);
        Assert.Equal([(1, 3), (0, 2)], mask.Select(s => (s.ClassId, s.Pixels)));
        Assert.Equal(0.6, mask[0].Fraction, 6);
        var many = MaskComposition.Shares([2, 2, 0], ["background", "cat", "dog"]);
        Assert.Equal([(2, 2), (0, 1)], many.Select(s => (s.ClassId, s.Pixels)));
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
