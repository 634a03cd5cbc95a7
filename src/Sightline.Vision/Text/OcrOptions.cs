using Sightline.Vision.Pipeline;

namespace Sightline.Vision.Text;

/// <summary>Where the text is: found on the page by the detector, or the whole image one line (a cropped word or line).</summary>
public enum TextLayout
{
    Page,
    Line,
}

/// <summary>
/// Options of the <c>text</c> task. Defaults are PaddleOCR's published inference settings for PP-OCRv4
/// (longest side 960 for detection, lines under 0.5 confidence dropped, a line turned when the direction
/// classifier is at least 0.9 sure), the settings the models were evaluated with.
/// </summary>
public sealed record OcrOptions : TaskOptions
{
    public static OcrOptions Default { get; } = new();

    public TextLayout Layout { get; init; } = TextLayout.Page;

    /// <summary>Least mean character confidence of a line to report it (0-1).</summary>
    public double MinConfidence { get; init; } = 0.5;

    /// <summary>Longest side of the image as the detector sees it, in pixels (a multiple of 32 is used).</summary>
    public int DetectorSide { get; init; } = 960;

    /// <summary>Whether upside-down lines are found and turned by the direction classifier.</summary>
    public bool TurnUpsideDown { get; init; } = true;

    /// <summary>Least direction-classifier probability that turns a line upside down (0.5-1).</summary>
    public double TurnThreshold { get; init; } = 0.9;

    /// <summary>
    /// With <see cref="TextLayout.Line"/>: the margin added left and right of the image, in line heights (half of it above
    /// and below), its edge pixels drawn out.
    /// </summary>
    public double LineMargin { get; init; } = 0.25;

    public TextRegionRules Regions { get; init; } = TextRegionRules.Default;

    /// <summary>The options as the CLI and the API take them: layout "page" or "line" (any case), the least confidence.</summary>
    public static OcrOptions From(string? layout = null, double? minConfidence = null)
    {
        var parsed = layout?.Trim().ToLowerInvariant() switch
        {
            null or "" or "page" => TextLayout.Page,
            "line" => TextLayout.Line,
            _ => throw new TaskOptionsException("layout", $"layout must be page or line, got '{layout}'"),
        };
        return Default with { Layout = parsed, MinConfidence = minConfidence ?? Default.MinConfidence };
    }

    public override void Validate()
    {
        InRange("min-confidence", MinConfidence, 0, 1);
        InRange("detector-side", DetectorSide, 64, 4096);
        InRange("line-margin", LineMargin, 0, 2);
        InRange("turn-threshold", TurnThreshold, 0.5, 1);
        if (!Enum.IsDefined(Layout))
            throw new TaskOptionsException("layout", $"layout must be page or line, got {Layout}");
    }
}
