using Sightline.Vision.Detection;
using Sightline.Vision.Segmentation;
using Sightline.Vision.Segmentation.Masks;
using SkiaSharp;

namespace Sightline.Vision.Tests.Segmentation;

public sealed class BoxColorModelTests
{
    /// <summary>A red-orange ellipse on grass-like green and blue noise; the ellipse's box leaves background in its corners.</summary>
    private static (SKBitmap Image, BinaryMask Object, BoundingBox Box) Scene(int seed)
    {
        const int width = 160, height = 120;
        var random = new Random(seed);
        var image = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var truth = new BinaryMask(width, height);
        var box = new BoundingBox(50, 30, 60, 50);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var dx = (x + 0.5f - (box.X + box.Width / 2)) / (box.Width / 2);
                var dy = (y + 0.5f - (box.Y + box.Height / 2)) / (box.Height / 2);
                var inside = dx * dx + dy * dy <= 1;
                if (inside)
                    truth.Data[y * width + x] = 1;
                var n = random.Next(-25, 26);
                image.SetPixel(x, y, inside
                    ? new SKColor((byte)(210 + n / 2), (byte)(70 + n), (byte)(40 + n / 2))
                    : random.Next(3) == 0 ? new SKColor((byte)(40 + n), (byte)(90 + n), (byte)(170 + n)) : new SKColor((byte)(60 + n), (byte)(150 + n), (byte)(50 + n)));
            }
        return (image, truth, box);
    }

    [Fact]
    public void The_object_inside_its_box_is_found_by_colour_and_its_corners_are_background()
    {
        var (image, truth, box) = Scene(1);
        using (image)
        {
            var region = MaskComposition.Pad(box, 0.1f, image.Width, image.Height);
            var patch = BoxColorModel.Foreground(image, box, region);
            Assert.Equal(region.Width * region.Height, patch.Values.Length);
            var mask = MaskComposition.Assign([patch], image.Width, image.Height, 0.5f)[0];
            Assert.True(BinaryMask.IoU(mask, truth) > 0.85, $"IoU {BinaryMask.IoU(mask, truth):0.000}");
            // The box's corners are background: a filled box would have IoU pi/4 at best.
            Assert.True(mask.Area < box.Area * 0.9, $"{mask.Area} px of a {box.Area} px box");
            // Nothing outside the box.
            for (var y = region.Top; y < region.Bottom; y++)
                for (var x = region.Left; x < region.Right; x++)
                    if (x < box.X || x >= box.Right || y < box.Y || y >= box.Bottom)
                        Assert.Equal(0, mask.Data[y * image.Width + x]);
            Assert.InRange(MaskComposition.ExtentAgreement(patch, 0.5f, box), 0.85f, 1f);
        }
    }

    [Fact]
    public void Degenerate_boxes_give_an_empty_patch_and_other_pixel_formats_are_refused()
    {
        var (image, _, _) = Scene(2);
        using (image)
        {
            var outside = new BoundingBox(500, 500, 10, 10);
            var patch = BoxColorModel.Foreground(image, outside, SKRectI.Create(0, 0, 10, 10));
            Assert.All(patch.Values, v => Assert.Equal(0f, v));
            Assert.All(BoxColorModel.Foreground(image, new BoundingBox(10, 10, 1, 1), SKRectI.Create(8, 8, 4, 4)).Values, v => Assert.Equal(0f, v));
        }
        using var gray = new SKBitmap(20, 20, SKColorType.Gray8, SKAlphaType.Opaque);
        var error = Assert.Throws<ArgumentException>(() => BoxColorModel.Foreground(gray, new BoundingBox(2, 2, 10, 10), SKRectI.Create(0, 0, 20, 20)));
        Assert.Contains("4 bytes per pixel", error.Message);
    }
}
