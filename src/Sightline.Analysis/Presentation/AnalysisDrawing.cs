using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Vision.Detection;
using Sightline.Vision.Pipeline;
using Sightline.Vision.Segmentation;
using Sightline.Vision.Segmentation.Rendering;
using SkiaSharp;

namespace Sightline.Analysis.Presentation;

/// <summary>
/// One picture of everything found in an image: the segmentation tinted over it, then every detected object's
/// box and label and every face's box with its expression, labels placed so that none covers another.
/// </summary>
public static class AnalysisDrawing
{
    /// <summary>
    /// <paramref name="image"/> is the image decoded as the pipeline decoded it (so that a mask fits it); boxes,
    /// which are in original pixels, are scaled onto it.
    /// </summary>
    public static SKBitmap Draw(DecodedImage image, ImageAnalysis analysis)
    {
        var segmentation = analysis.Results.Values.OfType<SegmentResult>().FirstOrDefault()?.Segmentation;
        using var tinted = segmentation is not null && segmentation.Width == image.Width && segmentation.Height == image.Height
            ? SegmentationRendering.Overlay(image.Bitmap, segmentation)
            : null;
        var scale = (float)image.Width / Math.Max(1, analysis.Width);
        return Annotator.Draw(tinted ?? image.Bitmap, Boxes(analysis, scale));
    }

    /// <summary>The boxes to draw, in pixels of an image <paramref name="scale"/> times the original's size, strongest first (the annotator draws it on top).</summary>
    public static IEnumerable<BoxAnnotation> Boxes(ImageAnalysis analysis, float scale)
    {
        var boxes = new List<(float Score, BoxAnnotation Box)>();
        foreach (var detection in analysis.Results.Values.OfType<DetectionResult>())
            boxes.AddRange(detection.Detections.Select(d => (d.Score, Scaled(d.Box, scale, $"{d.ClassName} {d.Score:0.00}", d.ClassName))));
        foreach (var faces in analysis.Results.Values.OfType<FacesResult>())
            boxes.AddRange(faces.Faces.Select(f => (f.Score, Scaled(f.Box, scale, f.Emotion is { } e ? $"face: {e.Label}" : "face", "face"))));
        return boxes.OrderByDescending(b => b.Score).Select(b => b.Box);
    }

    private static BoxAnnotation Scaled(BoundingBox box, float scale, string label, string colorKey) =>
        new(box.X * scale, box.Y * scale, box.Width * scale, box.Height * scale, label, colorKey);
}
