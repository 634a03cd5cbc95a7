using Sightline.Faces.Detection;
using Sightline.Vision.Detection;

namespace Sightline.Faces.Tests.Detection;

public sealed class FaceScanTests
{
    [Fact]
    public void A_small_image_is_one_padded_square_pass()
    {
        var regions = FaceScan.Plan(300, 200, 256, minFaceSize: 40, smallestInInput: 20, margin: 0.25f);

        var only = Assert.Single(regions);
        Assert.Equal(450, only.Width, 3);
        Assert.Equal(only.Width, only.Height, 3);
        Assert.Equal(150, only.MidX, 3);
        Assert.Equal(100, only.MidY, 3);
    }

    [Fact]
    public void A_1080p_image_is_tiled_so_a_40_pixel_face_reaches_the_detectors_smallest_size()
    {
        var regions = FaceScan.Plan(1920, 1080, 256, minFaceSize: 40, smallestInInput: 20);

        var tiles = regions.Skip(1).Where(r => Math.Abs(r.Width - 512) < 1e-3).ToList();
        Assert.NotEmpty(tiles);
        // Every point of the image lies at least a quarter tile inside some tile, so a face up to half a
        // tile across falls wholly inside one.
        for (var y = 0; y < 1080; y += 37)
            for (var x = 0; x < 1920; x += 41)
                Assert.Contains(tiles, t => x >= t.Left && x <= t.Right && y >= t.Top && y <= t.Bottom);
        Assert.All(tiles, t => Assert.True(t.Left >= 0 && t.Right <= 1920 + 1e-3 && t.Top >= 0 && t.Bottom <= 1080 + 1e-3));
    }

    [Fact]
    public void Tiny_minimum_faces_on_a_huge_image_are_bounded_by_the_tile_cap()
    {
        var regions = FaceScan.Plan(8000, 6000, 256, minFaceSize: 1, smallestInInput: 20);

        var finest = regions.Skip(1).Min(r => r.Width);
        Assert.True(regions.Skip(1).Count(r => Math.Abs(r.Width - finest) < 1e-3) <= FaceScan.MaxTiles);
        Assert.True(regions.Count < 2 * FaceScan.MaxTiles, $"{regions.Count} regions");
    }

    [Fact]
    public void No_minimum_face_size_means_no_tiles()
    {
        Assert.Single(FaceScan.Plan(4000, 3000, 256, minFaceSize: 0, smallestInInput: 20));
    }

    [Fact]
    public void Anchors_follow_blazeface_layout()
    {
        var anchors = BlazeFaceDetector.Anchors;

        Assert.Equal(896 * 2, anchors.Length);
        // First: 16x16 cells of stride 16, two per cell; then 8x8 cells of stride 32, six per cell.
        Assert.Equal((8f, 8f), (anchors[0], anchors[1]));
        Assert.Equal((8f, 8f), (anchors[2], anchors[3]));
        Assert.Equal((24f, 8f), (anchors[4], anchors[5]));
        Assert.Equal((16f, 16f), (anchors[2 * 512], anchors[2 * 512 + 1]));
        Assert.Equal((240f, 240f), (anchors[^2], anchors[^1]));
    }

    [Fact]
    public void Merge_keeps_the_best_of_overlapping_and_contained_boxes()
    {
        var big = new FaceCandidate(new BoundingBox(100, 100, 100, 100), 0.9f, []);
        var shifted = new FaceCandidate(new BoundingBox(110, 105, 100, 100), 0.8f, []);
        var inside = new FaceCandidate(new BoundingBox(150, 150, 30, 30), 0.95f, []);
        var apart = new FaceCandidate(new BoundingBox(400, 100, 100, 100), 0.6f, []);

        var kept = BlazeFaceDetector.Merge([big, shifted, inside, apart], new FaceDetectOptions(MinScore: 0.5f, IouThreshold: 0.3f));

        // The small box inside the big one is a face part from a tile cut: it suppresses the big box as the
        // better-scoring one; the neighbour overlapping by IoU 0.7 goes; the separate face stays.
        Assert.Equal([inside, apart], kept);
    }
}
