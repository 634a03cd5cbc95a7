using Sightline.Inference.Timing;
using Sightline.Vision.Detection;

namespace Sightline.Vision.Text;

/// <summary>
/// One line of text: what it says, its corners and box in the original image's pixels, its confidence (the mean
/// of its characters'), each character's confidence, and the block it belongs to in reading order.
/// </summary>
public sealed record TextLine(string Text, float Confidence, Quadrilateral Corners, BoundingBox Box, int Block, float[] CharConfidences);

/// <summary>
/// The text read in one image: the lines in reading order, the full text (a line per row, a blank line between
/// blocks), and the page's rotation in degrees clockwise (0, 90, 180, 270) as the lines ran.
/// </summary>
public sealed record OcrResult(string Text, IReadOnlyList<TextLine> Lines, int Rotation, string ModelId, string ModelVersion, StageTimings Timings);
