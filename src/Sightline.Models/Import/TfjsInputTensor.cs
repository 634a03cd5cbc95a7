using System.Runtime.InteropServices;
using Sightline.Imaging;
using Sightline.Imaging.Tensors;
using SkiaSharp;

namespace Sightline.Models.Import;

/// <summary>How an image is fitted to a model's fixed input size.</summary>
public enum InputFit
{
    /// <summary>Scaled to the input size in each direction, aspect not kept.</summary>
    Stretch,
    /// <summary>Scaled to fit with its aspect kept, centred, the rest padded.</summary>
    Letterbox,
    /// <summary>Square regions of the image (the whole image padded to a square, and tiles), each scaled to the input.</summary>
    SquareRegions,
}

/// <summary>
/// How an image becomes a model's input: fitted to Width x Height as <see cref="Fit"/> says, 1 (grey) or 3 (RGB)
/// channels, value = pixel (0-255) * Scale + Offset, NHWC unless <see cref="ChannelsFirst"/>; then, where
/// <see cref="Mean"/> and <see cref="Std"/> are given, (value - Mean[c]) / Std[c] per channel. With
/// <see cref="DivideByMax"/> the pixel is first divided by the image's largest channel value (so 0-1 before Scale).
/// The catalog's description of the model and the task code that feeds it both read this record.
/// </summary>
/// <remarks>Fidelity tensors stretch whatever <see cref="Fit"/> says: both runtimes read the same floats.</remarks>
public sealed record TfjsInputSpec(int Width, int Height, int Channels = 3, float Scale = 1f / 255, float Offset = 0f, bool ChannelsFirst = false,
    InputFit Fit = InputFit.Stretch, IReadOnlyList<float>? Mean = null, IReadOnlyList<float>? Std = null, bool DivideByMax = false)
{
    /// <summary>Per channel: value = pixel * ChannelScale[c] + ChannelOffset[c] (mean and deviation folded in; not the divide by max).</summary>
    public float[] ChannelScale => Enumerable.Range(0, Channels).Select(c => Scale / (Std?[c] ?? 1f)).ToArray();

    /// <inheritdoc cref="ChannelScale"/>
    public float[] ChannelOffset => Enumerable.Range(0, Channels).Select(c => (Offset - (Mean?[c] ?? 0f)) / (Std?[c] ?? 1f)).ToArray();

    public int[] Shape(int batch) => ChannelsFirst ? [batch, Channels, Height, Width] : [batch, Height, Width, Channels];

    public int ItemLength => Width * Height * Channels;

    /// <summary>
    /// The tensor writer's format for this input: grey for one channel, else RGB. A <see cref="DivideByMax"/>
    /// input takes it <see cref="TensorFormat.ScaledBy"/> 1 / max for each image.
    /// </summary>
    public TensorFormat Format => TensorFormat.PerChannel(Channels == 1 ? PixelColours.Grey : PixelColours.Rgb, ChannelsFirst, ChannelScale, ChannelOffset);
}

/// <summary>Builds input tensors from image files, once, so both sides of a comparison read the same floats.</summary>
public static class TfjsInputTensor
{
    /// <summary>The images' tensors laid out one after another (a batch).</summary>
    public static float[] FromImages(IReadOnlyList<string> paths, TfjsInputSpec spec)
    {
        var result = new float[paths.Count * spec.ItemLength];
        for (var i = 0; i < paths.Count; i++)
        {
            using var decoded = ImageDecoder.Decode(paths[i]);
            using var resized = ImageResize.Resize(decoded.Bitmap, spec.Width, spec.Height);
            using var rgba = resized.ColorType == SKColorType.Rgba8888 ? null : resized.Copy(SKColorType.Rgba8888);
            var pixels = (rgba ?? resized).GetPixelSpan();
            Write(pixels, spec, result.AsSpan(i * spec.ItemLength, spec.ItemLength));
        }
        return result;
    }

    /// <summary>RGBA8888 pixels of a Width x Height image into one item of the input tensor.</summary>
    public static void Write(ReadOnlySpan<byte> rgba, TfjsInputSpec spec, Span<float> destination) =>
        TensorWriter.Write(rgba, spec.Width, spec.Height, destination, spec.Format);

    public static void WriteFile(string path, ReadOnlySpan<float> values) =>
        File.WriteAllBytes(path, MemoryMarshal.AsBytes(values).ToArray());

    public static float[] ReadFile(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();
}
