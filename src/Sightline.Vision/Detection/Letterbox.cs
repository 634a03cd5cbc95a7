namespace Sightline.Vision.Detection;

/// <summary>
/// How an image was fitted into a model's input: scaled by <see cref="ScaleX"/>, <see cref="ScaleY"/> and
/// shifted by a padding of <see cref="PadX"/>, <see cref="PadY"/> pixels. Maps model-space boxes back
/// onto the original image.
/// </summary>
public readonly record struct Letterbox(int SourceWidth, int SourceHeight, int InputWidth, int InputHeight, float ScaleX, float ScaleY, float PadX, float PadY)
{
    /// <summary>Aspect kept, the image centred and padded to fill the input.</summary>
    /// <remarks>Content size and padding are whole pixels, so the image can be placed exactly.</remarks>
    public static Letterbox Fit(int sourceWidth, int sourceHeight, int inputWidth, int inputHeight)
    {
        var scale = Math.Min((double)inputWidth / sourceWidth, (double)inputHeight / sourceHeight);
        var w = Math.Clamp((int)Math.Round(sourceWidth * scale), 1, inputWidth);
        var h = Math.Clamp((int)Math.Round(sourceHeight * scale), 1, inputHeight);
        return new(sourceWidth, sourceHeight, inputWidth, inputHeight, (float)w / sourceWidth, (float)h / sourceHeight, (inputWidth - w) / 2, (inputHeight - h) / 2);
    }

    /// <summary>Stretched to the input size, no padding.</summary>
    public static Letterbox Stretch(int sourceWidth, int sourceHeight, int inputWidth, int inputHeight) =>
        new(sourceWidth, sourceHeight, inputWidth, inputHeight, (float)inputWidth / sourceWidth, (float)inputHeight / sourceHeight, 0, 0);

    /// <summary>A box in model-input pixels mapped back to source-image pixels, clipped to the image.</summary>
    public BoundingBox ToSource(in BoundingBox box) =>
        new BoundingBox((box.X - PadX) / ScaleX, (box.Y - PadY) / ScaleY, box.Width / ScaleX, box.Height / ScaleY).Clip(SourceWidth, SourceHeight);

    /// <summary>The rectangle of the input the image occupies (the rest is padding).</summary>
    public BoundingBox Content => new(PadX, PadY, SourceWidth * ScaleX, SourceHeight * ScaleY);
}
