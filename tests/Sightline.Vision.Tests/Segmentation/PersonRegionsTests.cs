using Sightline.Vision.Detection;
using Sightline.Vision.Segmentation;
using SkiaSharp;

namespace Sightline.Vision.Tests.Segmentation;

public sealed class PersonRegionsTests
{
    /// <summary>A plane from rows of text: '#' is 0.9, '+' is 0.5 (exactly the threshold), anything else 0.1.</summary>
    private static (float[] Plane, int Width, int Height) Plane(params string[] rows)
    {
        var plane = new float[rows.Length * rows[0].Length];
        for (var y = 0; y < rows.Length; y++)
            for (var x = 0; x < rows[0].Length; x++)
                plane[y * rows[0].Length + x] = rows[y][x] switch { '#' => 0.9f, '+' => 0.5f, _ => 0.1f };
        return (plane, rows[0].Length, rows.Length);
    }

    [Fact]
    public void Components_are_8_connected_largest_first_and_specks_are_dropped()
    {
        var (plane, width, height) = Plane(
            "##.....",
            "..#...#",
            "......#",
            "+.....#",
            "......#");
        var components = PersonRegions.Components(plane, width, height, 0.5f, 2);

        // The diagonal step joins the first three pixels; the lone '+' (at the threshold) is a speck of one.
        Assert.Equal(2, components.Count);
        Assert.Equal(new SKRectI(6, 1, 7, 5), components[0].Bounds);
        Assert.Equal(4, components[0].Pixels.Length);
        Assert.Equal(new SKRectI(0, 0, 3, 2), components[1].Bounds);
        Assert.Equal([0, 1, 9], components[1].Pixels.Order());
        Assert.Contains(PersonRegions.Components(plane, width, height, 0.5f, 1), c => c.Pixels.SequenceEqual([21]));
    }

    [Fact]
    public void Components_refuse_a_plane_of_the_wrong_size()
    {
        var error = Assert.Throws<ArgumentException>(() => PersonRegions.Components(new float[10], 4, 4, 0.5f, 1));
        Assert.Contains("4x4", error.Message);
        Assert.Contains("10", error.Message);
    }

    [Fact]
    public void A_component_becomes_its_image_box_grown_by_the_padding()
    {
        // A 4x4 map stretched over a 40x20 image: map pixel (1, 1) covers image x 10-20, y 5-10.
        var component = new MapComponent(new SKRectI(1, 1, 2, 2), [5]);
        var crops = PersonRegions.Crops([component], 4, 4, Letterbox.Stretch(40, 20, 4, 4), 40, 20, 0.1f);

        var crop = Assert.Single(crops);
        Assert.Equal(new SKRectI(9, 4, 21, 11), crop.Region);
        Assert.Equal([5], crop.SeedPixels);
    }

    [Fact]
    public void A_fragment_inside_a_persons_crop_is_merged_and_a_separate_person_is_not()
    {
        var body = new MapComponent(new SKRectI(0, 0, 4, 8), [1, 2, 3]);
        var arm = new MapComponent(new SKRectI(3, 2, 5, 4), [4]);
        var other = new MapComponent(new SKRectI(10, 0, 14, 8), [6, 7]);
        var crops = PersonRegions.Crops([body, other, arm], 16, 16, Letterbox.Stretch(16, 16, 16, 16), 16, 16, 0);

        Assert.Equal(2, crops.Count);
        Assert.Equal(new SKRectI(0, 0, 5, 8), crops[0].Region);
        Assert.Equal([1, 2, 3, 4], crops[0].SeedPixels);
        Assert.Equal(new SKRectI(10, 0, 14, 8), crops[1].Region);
    }

    [Theory]
    [InlineData(0, 0, 10, 10, 5, 0, 15, 10, true)]   // half of either
    [InlineData(0, 0, 10, 10, 6, 0, 16, 10, false)]  // 40 % of either
    [InlineData(0, 0, 10, 10, 7, 7, 11, 11, true)]   // 9 of the small one's 16 pixels
    [InlineData(0, 0, 10, 10, 10, 0, 20, 10, false)] // touching edges only
    public void Covers_half_compares_the_overlap_with_the_smaller_rectangle(int l1, int t1, int r1, int b1, int l2, int t2, int r2, int b2, bool expected) =>
        Assert.Equal(expected, PersonRegions.CoversHalf(new SKRectI(l1, t1, r1, b1), new SKRectI(l2, t2, r2, b2)));

    [Fact]
    public void Agreement_is_the_crops_mean_probability_at_the_seed_pixels_and_seeds_outside_count_as_zero()
    {
        // A 4x4 map over a 8x8 image (2 image pixels per map pixel); the crop covers image x 0-4, y 0-8:
        // probability 1 in its left half (x 0-2), 0 in its right half.
        var values = new float[4 * 8];
        for (var y = 0; y < 8; y++)
            for (var x = 0; x < 2; x++)
                values[y * 4 + x] = 1;
        var crop = new ProbabilityPatch(new SKRectI(0, 0, 4, 8), values);
        var placement = Letterbox.Stretch(8, 8, 4, 4);

        // Map pixels (0, 0) and (0, 3) fall in the left half, (1, 1) in the right half, (3, 0) outside the crop.
        Assert.Equal(1f, PersonRegions.Agreement(crop, new MaskRegion(crop.Region, [0, 12]), 4, 4, placement));
        Assert.Equal(0.5f, PersonRegions.Agreement(crop, new MaskRegion(crop.Region, [0, 5]), 4, 4, placement));
        Assert.Equal(0.5f, PersonRegions.Agreement(crop, new MaskRegion(crop.Region, [0, 3]), 4, 4, placement));
        Assert.Equal(0f, PersonRegions.Agreement(crop, new MaskRegion(crop.Region, []), 4, 4, placement));
    }
}
