using Sightline.Faces.Alignment;
using Sightline.Faces.Detection;
using SkiaSharp;

namespace Sightline.Faces.Tests.Alignment;

public sealed class FaceChipTests
{
    /// <summary>68 landmarks whose reference points are the canonical face's, placed in the image by a similarity of <paramref name="scale"/>, <paramref name="degrees"/> and shift.</summary>
    private static FacePoint[] Face(float scale, float degrees, float shiftX, float shiftY)
    {
        var c = MathF.Cos(degrees * MathF.PI / 180) * scale;
        var s = MathF.Sin(degrees * MathF.PI / 180) * scale;
        FacePoint Place(float x, float y) => new(c * x - s * y + shiftX, s * x + c * y + shiftY);
        // Points the fit does not use sit on a rough outline, so a wrong index choice shows.
        var points = Enumerable.Range(0, 68).Select(i => Place(0.5f + 0.4f * MathF.Cos(i), 0.5f + 0.4f * MathF.Sin(i))).ToArray();
        for (var k = 0; k < FaceChip.ReferenceIndices.Length; k++)
        {
            var t = FaceChip.TemplatePoint(k, 1, padding: 0);
            points[FaceChip.ReferenceIndices[k]] = Place(t.X, t.Y);
        }
        return points;
    }

    [Fact]
    public void The_fit_recovers_a_known_similarity()
    {
        FacePoint[] from = [new(10, 20), new(40, 25), new(30, 70), new(-5, 44)];
        var known = SKMatrix.CreateRotationDegrees(23).PostConcat(SKMatrix.CreateScale(1.7f, 1.7f)).PostConcat(SKMatrix.CreateTranslation(-12, 30));
        var to = from.Select(p => known.MapPoint(p.X, p.Y)).Select(p => new FacePoint(p.X, p.Y)).ToArray();

        var fitted = FaceChip.FitSimilarity(from, to);

        foreach (var (value, expected) in new[] { (fitted.ScaleX, known.ScaleX), (fitted.SkewX, known.SkewX), (fitted.TransX, known.TransX), (fitted.SkewY, known.SkewY), (fitted.ScaleY, known.ScaleY), (fitted.TransY, known.TransY) })
            Assert.Equal(expected, value, 3);
    }

    [Theory]
    [InlineData(80, 0, 100, 100)]
    [InlineData(200, 30, 400, 150)]
    [InlineData(35, -40, 20, 300)]
    public void Every_face_lands_on_the_same_chip_whatever_its_size_tilt_and_place(float scale, float degrees, float x, float y)
    {
        var face = Face(scale, degrees, x, y);

        var toChip = FaceChip.ToChip(face, 150);

        for (var k = 0; k < FaceChip.ReferenceIndices.Length; k++)
        {
            var mapped = toChip.MapPoint(face[FaceChip.ReferenceIndices[k]].X, face[FaceChip.ReferenceIndices[k]].Y);
            var expected = FaceChip.TemplatePoint(k, 150);
            Assert.Equal(expected.X, mapped.X, 2);
            Assert.Equal(expected.Y, mapped.Y, 2);
        }
        // The eyes end up level, the face upright.
        var rightOuter = toChip.MapPoint(face[45].X, face[45].Y);
        var leftOuter = toChip.MapPoint(face[36].X, face[36].Y);
        Assert.True(Math.Abs(rightOuter.Y - leftOuter.Y) < 0.5f && rightOuter.X > leftOuter.X);
    }

    [Fact]
    public void The_training_margin_shrinks_the_face_to_two_thirds_of_the_chip()
    {
        // With a quarter margin on each side the canonical face spans 1 / 1.5 of the chip.
        int rightOuter = FaceChip.ReferenceIndices.IndexOf(45), leftOuter = FaceChip.ReferenceIndices.IndexOf(36);
        var eyes = FaceChip.TemplatePoint(rightOuter, 150).X - FaceChip.TemplatePoint(leftOuter, 150).X;
        var eyesWithoutMargin = FaceChip.TemplatePoint(rightOuter, 150, padding: 0).X - FaceChip.TemplatePoint(leftOuter, 150, padding: 0).X;
        Assert.Equal(eyesWithoutMargin / 1.5f, eyes, 3);
    }

    [Fact]
    public void The_jaw_eyebrows_and_lower_lip_do_not_move_the_chip()
    {
        var face = Face(120, 10, 200, 150);
        var moved = face.ToArray();
        foreach (var i in Enumerable.Range(0, 27).Concat(Enumerable.Range(55, 5)).Concat(Enumerable.Range(65, 3)))
            moved[i] = new FacePoint(moved[i].X + 40, moved[i].Y - 25);

        var expected = FaceChip.ToChip(face, 150);
        var actual = FaceChip.ToChip(moved, 150);

        foreach (var (value, reference) in new[] { (actual.ScaleX, expected.ScaleX), (actual.SkewX, expected.SkewX), (actual.TransX, expected.TransX), (actual.SkewY, expected.SkewY), (actual.TransY, expected.TransY) })
            Assert.Equal(reference, value, 3);
    }

    [Fact]
    public void Bad_landmarks_are_refused_with_the_reason()
    {
        Assert.Contains("68 landmarks", Assert.Throws<ArgumentException>(() => FaceChip.ToChip(new FacePoint[5], 150)).Message);
        var collapsed = Enumerable.Repeat(new FacePoint(3, 3), 68).ToArray();
        Assert.Contains("not all at one place", Assert.Throws<ArgumentException>(() => FaceChip.ToChip(collapsed, 150)).Message);
    }

    [Fact]
    public void A_chip_shows_the_image_through_the_transform_and_black_beyond_it()
    {
        using var image = new SKBitmap(new SKImageInfo(100, 100, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(image))
        {
            canvas.Clear(SKColors.White);
            using var red = new SKPaint { Color = SKColors.Red };
            canvas.DrawRect(SKRect.Create(60, 20, 10, 10), red);
        }
        // Chip pixel = (image pixel - (50, 0)) * 2: the red square lands at (20-40, 40-60); the chip's left
        // half shows x 50-75 of the image, its right part reaches past x = 100 and is black.
        var toChip = SKMatrix.CreateScaleTranslation(2, 2, -100, 0);

        using var chip = FaceChip.Render(image, toChip, 120);

        Assert.Equal(SKColors.Red, chip.GetPixel(30, 50));
        Assert.Equal(SKColors.White, chip.GetPixel(80, 10));
        Assert.Equal(SKColors.Black, chip.GetPixel(110, 50));
    }

    [Fact]
    public void A_large_face_is_averaged_down_not_sampled_into_stripes()
    {
        // One-pixel black and white stripes, shrunk eight times: averaging gives grey; sampling every
        // eighth pixel would give all black or all white.
        using var image = new SKBitmap(new SKImageInfo(800, 800, SKColorType.Rgba8888, SKAlphaType.Premul));
        var pixels = image.GetPixelSpan();
        for (var y = 0; y < 800; y++)
            for (var x = 0; x < 800; x++)
            {
                var v = (byte)(x % 2 == 0 ? 0 : 255);
                var o = 4 * (y * 800 + x);
                (pixels[o], pixels[o + 1], pixels[o + 2], pixels[o + 3]) = (v, v, v, 255);
            }

        using var chip = FaceChip.Render(image, SKMatrix.CreateScale(0.125f, 0.125f), 100);

        var centre = chip.GetPixel(50, 50);
        Assert.InRange(centre.Red, 90, 165);
    }
}
