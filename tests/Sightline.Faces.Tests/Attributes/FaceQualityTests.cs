using Sightline.Faces.Attributes;
using Sightline.Faces.Landmarks;

namespace Sightline.Faces.Tests.Attributes;

public sealed class FaceQualityTests
{
    private static float[] Checkerboard(int size, int cell, float contrast)
    {
        var grey = new float[size * size];
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
                grey[y * size + x] = 128 + ((x / cell + y / cell) % 2 == 0 ? contrast : -contrast);
        return grey;
    }

    [Fact]
    public void A_flat_crop_has_no_sharpness_and_fine_detail_has_much()
    {
        Assert.Equal(0, FaceQualityScorer.LaplacianVariance(new float[112 * 112], 112));
        Assert.True(FaceQualityScorer.LaplacianVariance(Checkerboard(112, 2, 40), 112) > FaceQualityScorer.LaplacianVariance(Checkerboard(112, 8, 40), 112));
    }

    [Fact]
    public void Small_blurred_or_turned_faces_score_lower()
    {
        var sharp = Checkerboard(112, 3, 40);
        var good = FaceQualityScorer.Score(120, sharp, 112, new HeadPose(0, 0, 0));
        var small = FaceQualityScorer.Score(30, sharp, 112, new HeadPose(0, 0, 0));
        var blurred = FaceQualityScorer.Score(120, Checkerboard(112, 3, 1), 112, new HeadPose(0, 0, 0));
        var turned = FaceQualityScorer.Score(120, sharp, 112, new HeadPose(70, 0, 0));

        Assert.True(good.Score > 0.9f, $"good face scored {good}");
        Assert.Equal(1, good.Size);
        Assert.True(small.Score < good.Score && blurred.Score < good.Score && turned.Score < good.Score);
        Assert.Equal(30 / 112f, small.Size, 4);
        Assert.Equal(MathF.Cos(70 * MathF.PI / 180), turned.Frontal, 4);
    }
}
