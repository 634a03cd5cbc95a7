using Sightline.Imaging;
using Sightline.Tests.Shared;
using Sightline.Vision.Text;
using SkiaSharp;

namespace Sightline.Vision.Tests.Text;

/// <summary>The PP-OCR models of <c>ocr-models</c> on pages printed in code.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class OcrReaderTests(PretrainedModels models)
{
    private static readonly string[] Lines = ["Invoice 2041 paid in full", "Thank you for shopping"];

    private OcrReader Reader() => new(models.Get(OcrReader.ModelId), models.Engine);

    private static OcrResult Read(OcrReader reader, SKBitmap bitmap, OcrOptions? options = null)
    {
        using var image = DecodedImage.FromPixels(bitmap, "page");
        return reader.Read(image, options ?? OcrOptions.Default);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(90)]
    [InlineData(180)]
    [InlineData(270)]
    public void A_printed_page_is_read_in_order_whichever_way_it_is_turned(int degrees)
    {
        using var page = TextImages.Page(Lines, degrees: degrees);
        var result = Read(Reader(), page);
        Assert.Equal(degrees, result.Rotation);
        Assert.Equal(string.Join("\n", Lines), result.Text);
        Assert.Equal(Lines, result.Lines.Select(l => l.Text));
        Assert.All(result.Lines, l =>
        {
            Assert.Equal(l.Text.Length, l.CharConfidences.Length);
            Assert.InRange(l.Confidence, 0.9f, 1f);
            Assert.InRange(l.Box.X, 0, page.Width);
            Assert.InRange(l.Box.Right, 0, page.Width + 0.01f);
            Assert.InRange(l.Box.Bottom, 0, page.Height + 0.01f);
        });
        // The first line's box holds its words: upright, it is the upper one and spans most of the width.
        if (degrees == 0)
        {
            Assert.True(result.Lines[0].Box.Bottom < result.Lines[1].Box.Y + 5);
            Assert.True(result.Lines[0].Box.Width > 0.6 * page.Width, $"{result.Lines[0].Box}");
        }
    }

    [Fact]
    public void Black_text_on_a_transparent_page_is_read_as_seen_over_white()
    {
        // As PNG pages are often stored: every pixel black, the ink in the alpha channel alone.
        using var printed = TextImages.Page(Lines);
        using var page = new SKBitmap(new SKImageInfo(printed.Width, printed.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var from = printed.GetPixelSpan();
        var to = page.GetPixelSpan();
        for (var i = 0; i < from.Length; i += 4)
            (to[i], to[i + 1], to[i + 2], to[i + 3]) = ((byte)0, (byte)0, (byte)0, (byte)(255 - from[i]));
        Assert.Equal(string.Join("\n", Lines), Read(Reader(), page).Text);
    }

    [Fact]
    public void A_page_without_text_gives_no_lines()
    {
        using var blank = new SKBitmap(640, 480, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using (var canvas = new SKCanvas(blank))
        {
            using var paint = new SKPaint { Shader = SKShader.CreateLinearGradient(new(0, 0), new(640, 480), [SKColors.SkyBlue, SKColors.SeaGreen], SKShaderTileMode.Clamp) };
            canvas.DrawRect(0, 0, 640, 480, paint);
        }
        var result = Read(Reader(), blank);
        Assert.Empty(result.Lines);
        Assert.Equal("", result.Text);
    }

    [Fact]
    public void A_tightly_cut_line_is_read_whole_and_its_box_is_the_image()
    {
        using var page = TextImages.Page(["Algorithms"], size: 32);
        // Cut tight: the line starts where its first letter does (the page's margin is one text size).
        using var cut = new SKBitmap();
        Assert.True(page.ExtractSubset(cut, SKRectI.Create(32, 40, page.Width - 64, 44)));
        using var copy = cut.Copy(SKColorType.Rgba8888);
        var result = Read(Reader(), copy, OcrOptions.Default with { Layout = TextLayout.Line });
        var read = Assert.Single(result.Lines);
        Assert.Equal("Algorithms", read.Text);
        Assert.Equal(0, read.Box.X);
        Assert.Equal(copy.Width, read.Box.Width);
    }
}
