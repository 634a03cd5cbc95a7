using Sightline.Imaging;

namespace Sightline.Faces.Evaluation;

/// <summary>Evaluation input that cannot be used: a malformed CSV file, a missing image, or data lacking what a metric needs.</summary>
public sealed class EvaluationException(string message, Exception? inner = null) : SightlineException(message, inner);
