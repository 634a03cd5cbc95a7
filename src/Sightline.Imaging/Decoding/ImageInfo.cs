namespace Sightline.Imaging;

/// <summary>What the header says about an image, without decoding pixels.</summary>
/// <param name="Width">Upright width: EXIF orientations 5-8 swap the stored width and height.</param>
/// <param name="Height">Upright height.</param>
/// <param name="Format">Format detected from the data's magic bytes.</param>
/// <param name="Orientation">EXIF orientation 1-8; 1 when absent.</param>
public readonly record struct ImageInfo(int Width, int Height, ImageFormat Format, int Orientation);
