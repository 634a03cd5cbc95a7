using Sightline.Imaging.Tensors;

namespace Sightline.Vision.Preprocessing;

/// <summary>
/// Pure conversions from RGBA pixels to model input tensors. Every overload is the one
/// <see cref="TensorWriter"/> (RGB, BGR or grey; NCHW or NHWC; scale and offset per channel or per element).
/// </summary>
public static class PixelTensor
{
    /// <summary>Writes RGBA8888 pixels into one item of a model input as <paramref name="format"/> says.</summary>
    public static void Write(ReadOnlySpan<byte> rgba, int width, int height, Span<float> destination, TensorFormat format) =>
        TensorWriter.Write(rgba, width, height, destination, format);

    /// <summary>
    /// Writes RGBA8888 pixels (<paramref name="width"/> x <paramref name="height"/>, rows packed) into
    /// <paramref name="destination"/> as three planes, plane c holding colour <c>affine.Sources[c]</c>
    /// (0 = R, 1 = G, 2 = B) with <paramref name="affine"/>'s scale and bias applied. Alpha is ignored.
    /// </summary>
    public static void WriteChw(ReadOnlySpan<byte> rgba, int width, int height, Span<float> destination, ChannelAffine affine)
    {
        if (affine.Channels != 3 || affine.Width != width || affine.Height != height)
            throw new ArgumentException($"affine is for {affine.Channels}x{affine.Height}x{affine.Width}, pixels are 3x{height}x{width}", nameof(affine));
        TensorWriter.Write(rgba, width, height, destination, affine.Format);
    }

    /// <summary>
    /// Writes RGBA8888 pixels into <paramref name="destination"/> as interleaved R, G, B (NHWC) or as
    /// three planes (NCHW), each value <c>pixel * scale + offset</c>. Alpha is ignored.
    /// </summary>
    public static void WriteRgb(ReadOnlySpan<byte> rgba, int width, int height, Span<float> destination, bool channelsFirst, float scale, float offset) =>
        TensorWriter.Write(rgba, width, height, destination, TensorFormat.Uniform(PixelColours.Rgb, channelsFirst, scale, offset));
}
