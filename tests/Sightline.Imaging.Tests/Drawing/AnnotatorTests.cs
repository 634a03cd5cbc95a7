using SkiaSharp;

namespace Sightline.Imaging.Tests.Drawing;

public sealed class AnnotatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-draw-").FullName;

    private static SKBitmap Grey(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(new SKColor(128, 128, 128));
        return bitmap;
    }

    [Fact]
    public void Colours_are_stable_per_key_and_differ_between_common_classes()
    {
        Assert.Equal(Annotator.ColorFor("person"), Annotator.ColorFor("person"));
        var colours = new[] { "person", "car", "dog", "bus", "cat" }.Select(Annotator.ColorFor).Distinct().Count();
        Assert.True(colours >= 4);
    }

    [Fact]
    public void Draws_the_box_outline_and_a_label_with_text_pixels_leaving_the_rest()
    {
        using var image = Grey(300, 200);
        using var drawn = Annotator.Draw(image, [new BoxAnnotation(50, 60, 100, 80, "person 0.91", "person")]);
        var colour = Annotator.ColorFor("person");
        Assert.Equal(colour, drawn.GetPixel(50, 100));          // left edge of the box
        Assert.Equal(new SKColor(128, 128, 128), drawn.GetPixel(100, 100)); // inside untouched
        Assert.Equal(new SKColor(128, 128, 128), drawn.GetPixel(250, 190));
        // The label sits above the box: its background has the class colour and its text is white.
        var label = Enumerable.Range(52, 80).SelectMany(x => Enumerable.Range(40, 18).Select(y => drawn.GetPixel(x, y))).ToList();
        Assert.Contains(label, p => p == colour);
        Assert.Contains(label, p => p.Red > 230 && p.Green > 230 && p.Blue > 230);
        Assert.Equal(image.Width, drawn.Width);
    }

    [Fact]
    public void The_strongest_label_is_drawn_on_top_and_labels_of_one_box_do_not_hide_each_other()
    {
        using var image = Grey(400, 300);
        // Strongest first, all on one box: three classes whose palette colours differ.
        string[] keys = ["person", "car", "dog"];
        Assert.Equal(3, keys.Select(Annotator.ColorFor).Distinct().Count());
        using var drawn = Annotator.Draw(image, keys.Select(k => new BoxAnnotation(100, 120, 200, 100, $"{k} 0.50", k)));

        // Each label keeps a patch of its own colour: none is painted over by another.
        int Count(SKColor colour, int top, int bottom) =>
            Enumerable.Range(100, 60).Sum(x => Enumerable.Range(top, bottom - top).Count(y => drawn.GetPixel(x, y) == colour));
        foreach (var key in keys)
            Assert.True(Count(Annotator.ColorFor(key), 0, 300) > 100, $"the {key} label is hidden");
        // The strongest label takes the usual place above the box, and its outline is the one on top.
        Assert.True(Count(Annotator.ColorFor("person"), 100, 118) > 200, "the person label is not above the box");
        Assert.Equal(Annotator.ColorFor("person"), drawn.GetPixel(300, 170));
    }

    [Fact]
    public void Saves_by_extension_atomically_and_refuses_unknown_ones()
    {
        using var image = Grey(20, 10);
        var png = Path.Combine(_dir, "sub", "a.png");
        Annotator.Save(image, png);
        using (var back = ImageDecoder.Decode(png))
            Assert.Equal((20, 10), (back.Width, back.Height));
        Annotator.Save(image, Path.Combine(_dir, "b.jpg"));
        Assert.Equal(ImageFormat.Jpeg, ImageDecoder.ReadInfo(Path.Combine(_dir, "b.jpg")).Format);
        Assert.Throws<ArgumentException>(() => Annotator.Save(image, Path.Combine(_dir, "c.gif")));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Letterbox_places_the_scaled_image_inside_padding()
    {
        using var image = Grey(40, 20);
        using var boxed = ImageResize.Letterbox(image, 40, 40, SKRectI.Create(0, 10, 40, 20), new SKColor(114, 114, 114));
        Assert.Equal(new SKColor(114, 114, 114), boxed.GetPixel(20, 5));
        Assert.Equal(new SKColor(128, 128, 128), boxed.GetPixel(20, 20));
        Assert.Equal(new SKColor(114, 114, 114), boxed.GetPixel(20, 35));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageResize.Letterbox(image, 40, 40, SKRectI.Create(0, 30, 40, 20), SKColors.Black));
    }

    [Fact]
    public void Expanding_inputs_keeps_files_and_lists_folder_images_in_order()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "photos", "nested")).FullName;
        // Images are told by their bytes, so they must be real ones; the text file is listed as skipped.
        File.WriteAllBytes(Path.Combine(folder, "b.jpg"), Support.TestImages.QuadrantJpeg());
        File.WriteAllBytes(Path.Combine(_dir, "photos", "a.png"), Support.TestImages.QuadrantPng());
        File.WriteAllText(Path.Combine(_dir, "photos", "notes.txt"), "x");
        var expanded = ImageFiles.Expand([Path.Combine(_dir, "photos"), Path.Combine(_dir, "single.txt")]);
        Assert.Equal([Path.Combine(_dir, "photos", "a.png"), Path.Combine(folder, "b.jpg"), Path.Combine(_dir, "single.txt")], expanded);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
