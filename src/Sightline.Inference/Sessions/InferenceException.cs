using Sightline.Imaging;

namespace Sightline.Inference.Sessions;

/// <summary>A model file that cannot be loaded or run.</summary>
public sealed class InferenceException(string message, Exception? inner = null) : SightlineException(message, inner);
