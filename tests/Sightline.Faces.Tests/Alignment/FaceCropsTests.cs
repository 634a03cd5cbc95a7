using Sightline.Faces.Alignment;
using Sightline.Imaging.Tensors;
using SkiaSharp;

namespace Sightline.Faces.Tests.Alignment;

/// <summary>Each face crop of an image is rendered once per region and size and shared by the networks that read it.</summary>
public sealed class FaceCropsTests
{
    private static SKBitmap Gradient()
    {
        var bitmap = new SKBitmap(new SKImageInfo(64, 48, SKColorType.Rgba8888, SKAlphaType.Premul));
        for (var y = 0; y < 48; y++)
            for (var x = 0; x < 64; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 4), (byte)(y * 5), (byte)((x + y) * 2)));
        return bitmap;
    }

    [Fact]
    public void One_region_at_one_size_is_rendered_once_for_every_network_that_reads_it()
    {
        using var image = Gradient();
        using var crops = new FaceCrops(image);
        var region = SKRect.Create(8, 4, 32, 32);
        var colour = crops.Batch([region, region], 16, TensorFormat.Uniform(PixelColours.Rgb, false, 1f, 0f));
        var grey = crops.Batch([region], 16, TensorFormat.Uniform(PixelColours.Grey, false, 1f, 0f));
        Assert.Equal(1, crops.Rendered);
        Assert.Same(crops.Region(region, 16), crops.Region(region, 16));
        // The grey crop is the luma of the very same colour crop.
        Assert.Equal(0.299f * colour[0] + 0.587f * colour[1] + 0.114f * colour[2], grey[0], 3);
        Assert.Equal(colour.AsSpan(0, 16 * 16 * 3).ToArray(), colour.AsSpan(16 * 16 * 3).ToArray());

        crops.Batch([region], 8, TensorFormat.Uniform(PixelColours.Rgb, false, 1f, 0f));
        crops.Batch([SKRect.Create(0, 0, 32, 32)], 16, TensorFormat.Uniform(PixelColours.Rgb, false, 1f, 0f));
        Assert.Equal(3, crops.Rendered);
    }

    [Fact]
    public void Shared_crops_write_the_same_values_as_a_crop_rendered_alone()
    {
        using var image = Gradient();
        var region = SKRect.Create(-8, 10, 40, 40);   // reaches past the image: black there
        using var crops = new FaceCrops(image);
        crops.Batch([region], 20, TensorFormat.Uniform(PixelColours.Rgb, false, 1f, 0f));
        var shared = crops.Batch([region], 20, TensorFormat.Uniform(PixelColours.Rgb, false, 2f / 255, -1f));
        var alone = FaceCrop.Batch(image, [region], 20, 2f / 255, -1f);
        Assert.Equal(alone, shared);
        Assert.Equal(-1f, alone[0]);
    }
}
