using ImageMagick;
using SkiaSharp;
using Sightline.Imaging;

namespace Sightline.Bench;

/// <summary>
/// A 12-megapixel JPEG decoded to 1024 px: scaled decoding against a full decode then resize; the same JPEG
/// through ImageMagick (why JPEG stays on SkiaSharp), the same picture as TIFF, and a 12 MP iPhone HEIC.
/// </summary>
public static class DecodeBenchmark
{
    public static Task<int> RunAsync(string[] args)
    {
        var runs = int.Parse(BenchHarness.Option(args, "--runs") ?? "15");
        var path = Path.Combine(Path.GetTempPath(), "sightline-bench-12mp.jpg");
        WritePhotoLikeJpeg(path, 4000, 3000);
        Console.WriteLine($"decode benchmark: {path} (4000x3000, {new FileInfo(path).Length / 1024} KiB); {BenchHarness.Machine()}");
        Console.WriteLine($"command: {BenchHarness.CommandLine(args)}");

        var scaled = BenchHarness.MedianMs(() =>
        {
            using var image = ImageDecoder.Decode(path, DecodeSize.Within(1024, 1024));
            if (image.Width != 1024) throw new InvalidOperationException($"expected 1024 px, got {image.Width}");
        }, runs);
        var full = BenchHarness.MedianMs(() =>
        {
            using var image = ImageDecoder.Decode(path);
            using var small = ImageResize.Resize(image.Bitmap, 1024, 768);
        }, runs);
        // SkiaSharp against ImageMagick on the same JPEG: both decoders held to one core (ImageMagick may otherwise
        // spread its pixel work over OpenMP threads).
        double fullOnly, magickJpeg;
        string pinned;
        using (var pin = BenchHarness.Limit(new CoreSetting(1)))
        {
            pinned = pin.Description;
            fullOnly = BenchHarness.MedianMs(() => { using var image = ImageDecoder.Decode(path); }, runs);
            magickJpeg = BenchHarness.MedianMs(() =>
            {
                using var image = new MagickImage(path);
                _ = image.GetPixelsUnsafe().ToByteArray(PixelMapping.RGBA);
            }, runs);
        }
        var tiffPath = Path.ChangeExtension(path, ".tif");
        using (var image = new MagickImage(path))
        {
            image.Settings.Compression = CompressionMethod.LZW;
            image.Write(tiffPath, MagickFormat.Tiff);
        }
        var tiff = BenchHarness.MedianMs(() => { using var image = ImageDecoder.Decode(tiffPath, DecodeSize.Within(1024, 1024)); }, runs);
        var heicPath = Path.Combine(BenchHarness.SharedData(), "photo-collection", "photoprism-examples", "iphone_15_pro.heic");
        double? heic = File.Exists(heicPath)
            ? BenchHarness.MedianMs(() => { using var image = ImageDecoder.Decode(heicPath, DecodeSize.Within(1024, 1024)); }, Math.Max(3, runs / 3))
            : null;

        Console.WriteLine();
        Console.WriteLine("| 12 MP JPEG to 1024x768 | median ms |");
        Console.WriteLine("|---|---:|");
        Console.WriteLine($"| full decode + resize | {full:0.0} |");
        Console.WriteLine($"| full decode alone | {fullOnly:0.0} |");
        Console.WriteLine($"| scaled decode (DCT 1/2) + resize | {scaled:0.0} |");
        Console.WriteLine($"| the same JPEG, full decode by ImageMagick | {magickJpeg:0.0} |");
        Console.WriteLine($"| the same picture as LZW TIFF (ImageMagick) + resize | {tiff:0.0} |");
        Console.WriteLine($"| 4032x3024 iPhone HEIC (ImageMagick, libheif) + resize | {(heic is { } h ? $"{h:0.0}" : "(photo-collection absent)")} |");
        Console.WriteLine();
        Console.WriteLine($"scaled decoding is {full / scaled:0.0}x faster than full decode + resize (median of {runs}); ImageMagick's full JPEG decode takes {magickJpeg / fullOnly:0.0}x SkiaSharp's, both on one core ({pinned})");
        BenchHarness.WriteJson(BenchHarness.Option(args, "--json"), new { fullDecodeAndResizeMs = full, fullDecodeMs = fullOnly, scaledDecodeMs = scaled, speedup = full / scaled, magickJpegMs = magickJpeg, tiffMs = tiff, heicMs = heic });
        File.Delete(path);
        File.Delete(tiffPath);
        return Task.FromResult(0);
    }

    /// <summary>Gradients, shapes and noise: compresses like a photo, not like a flat test card.</summary>
    private static void WritePhotoLikeJpeg(string path, int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var gradient = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                [SKColors.SkyBlue, SKColors.ForestGreen, SKColors.SaddleBrown], SKShaderTileMode.Clamp);
            using var paint = new SKPaint { Shader = gradient };
            canvas.DrawRect(0, 0, width, height, paint);
            var random = new Random(7);
            using var shape = new SKPaint { IsAntialias = true };
            for (var i = 0; i < 400; i++)
            {
                shape.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), 160);
                canvas.DrawCircle(random.Next(width), random.Next(height), 10 + random.Next(150), shape);
            }
        }
        var pixels = bitmap.GetPixelSpan();
        var noise = new Random(11);
        unsafe
        {
            var p = (byte*)bitmap.GetPixels();
            for (var i = 0; i < pixels.Length; i++)
                if ((i & 3) != 3)
                    p[i] = (byte)Math.Clamp(p[i] + noise.Next(-12, 13), 0, 255);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        File.WriteAllBytes(path, data.ToArray());
    }
}
