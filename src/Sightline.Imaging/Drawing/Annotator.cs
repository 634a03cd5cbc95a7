using SkiaSharp;

namespace Sightline.Imaging;

/// <summary>A box to draw, in image pixels, with its label; boxes with the same colour key share a colour.</summary>
public readonly record struct BoxAnnotation(float X, float Y, float Width, float Height, string Label, string ColorKey);

/// <summary>A point to draw (a face landmark, say), in image pixels.</summary>
public readonly record struct PointAnnotation(float X, float Y, string ColorKey);

/// <summary>
/// Draws results onto a copy of an image: boxes with readable labels (the font ships inside this
/// library, so no system font is needed), points, and a stable colour per class.
/// </summary>
public static class Annotator
{
    private static readonly Lazy<SKTypeface> Font = new(() =>
    {
        using var stream = typeof(Annotator).Assembly.GetManifestResourceStream("Sightline.Imaging.LabelFont.ttf")
            ?? throw new InvalidOperationException("the label font is missing from the assembly");
        return SKTypeface.FromStream(stream) ?? throw new InvalidOperationException("the label font cannot be read");
    });

    /// <summary>
    /// The typeface for text drawn on images (DejaVu Sans Bold, shipped inside this library: the SkiaSharp
    /// build used here has no access to system fonts). Shared: do not dispose it.
    /// </summary>
    public static SKTypeface LabelTypeface => Font.Value;

    // Distinct, saturated colours that keep white text readable.
    private static readonly SKColor[] Palette =
    [
        new(0xE6, 0x19, 0x4B), new(0x3C, 0xB4, 0x4B), new(0x43, 0x63, 0xD8), new(0xF5, 0x82, 0x31), new(0x91, 0x1E, 0xB4),
        new(0x00, 0x80, 0x80), new(0xF0, 0x32, 0xE6), new(0x9A, 0x63, 0x24), new(0x80, 0x00, 0x00), new(0x00, 0x00, 0x75),
        new(0x80, 0x80, 0x00), new(0x46, 0x99, 0x90), new(0xD2, 0x69, 0x1E), new(0x6A, 0x3D, 0x9A), new(0x1F, 0x78, 0xB4),
    ];

    /// <summary>The colour for a key: the same key always gets the same colour, in every run.</summary>
    public static SKColor ColorFor(string key)
    {
        // FNV-1a: stable across processes, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var c in key)
            hash = (hash ^ c) * 16777619u;
        return Palette[hash % (uint)Palette.Length];
    }

    /// <summary>
    /// A new bitmap: <paramref name="image"/> with the boxes and points drawn on it. Boxes come strongest
    /// first: the strongest box and label are drawn on top, and labels are laid out so that none covers
    /// another (<see cref="LabelLayout"/>).
    /// </summary>
    public static SKBitmap Draw(SKBitmap image, IEnumerable<BoxAnnotation> boxes, IEnumerable<PointAnnotation>? points = null)
    {
        var result = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(result);
        using (var source = SKImage.FromBitmap(image))
            canvas.DrawImage(source, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
        // Lines and text grow with the image so that they stay visible on large photos.
        var scale = Math.Max(1f, Math.Max(image.Width, image.Height) / 800f);
        using var font = new SKFont(Font.Value, 14 * scale);
        using var stroke = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 2.5f * scale, IsAntialias = true };
        using var fill = new SKPaint { Style = SKPaintStyle.Fill, IsAntialias = true };
        using var text = new SKPaint { Color = SKColors.White, IsAntialias = true };
        var ordered = boxes.ToList();
        var labelled = ordered.Where(b => !string.IsNullOrEmpty(b.Label)).ToList();
        var spots = LabelLayout.Place(labelled.Select(b => (SKRect.Create(b.X, b.Y, b.Width, b.Height),
            new SKSize(font.MeasureText(b.Label) + 8 * scale, font.Size + 6 * scale))).ToList(), image.Width, image.Height);
        // Weakest first, so that the strongest box and label end up on top.
        for (var i = ordered.Count - 1; i >= 0; i--)
        {
            stroke.Color = ColorFor(ordered[i].ColorKey);
            canvas.DrawRect(ordered[i].X, ordered[i].Y, ordered[i].Width, ordered[i].Height, stroke);
        }
        for (var i = labelled.Count - 1; i >= 0; i--)
        {
            var spot = spots[i];
            fill.Color = ColorFor(labelled[i].ColorKey);
            canvas.DrawRect(spot, fill);
            canvas.DrawText(labelled[i].Label, spot.Left + 4 * scale, spot.Bottom - 4 * scale - font.Metrics.Descent / 2, SKTextAlign.Left, font, text);
        }
        foreach (var point in points ?? [])
        {
            fill.Color = ColorFor(point.ColorKey);
            canvas.DrawCircle(point.X, point.Y, 2f * scale, fill);
        }
        canvas.Flush();
        return result;
    }

    /// <summary>Writes <paramref name="bitmap"/> as PNG, JPEG or WebP, chosen by the file's extension (atomically).</summary>
    public static void Save(SKBitmap bitmap, string path, int quality = 90)
    {
        var format = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => SKEncodedImageFormat.Png,
            ".jpg" or ".jpeg" => SKEncodedImageFormat.Jpeg,
            ".webp" => SKEncodedImageFormat.Webp,
            var other => throw new ArgumentException($"cannot write '{path}': use .png, .jpg or .webp (not '{other}')", nameof(path)),
        };
        using var data = bitmap.Encode(format, quality) ?? throw new InvalidOperationException($"encoding '{path}' failed");
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = File.Create(temporary))
                data.SaveTo(file);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
