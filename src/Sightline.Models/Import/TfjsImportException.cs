using Sightline.Imaging;

namespace Sightline.Models.Import;

public enum TfjsImportErrorKind
{
    /// <summary>model.json is not a TensorFlow.js model this importer reads.</summary>
    BadModelFile,
    /// <summary>A weight shard is missing, shorter or longer than the manifest says.</summary>
    BadWeights,
    /// <summary>The graph uses an op (or an op setting) the converter has no ONNX translation for.</summary>
    UnsupportedOp,
}

/// <summary>Why a TensorFlow.js model could not be turned into ONNX.</summary>
public sealed class TfjsImportException(TfjsImportErrorKind kind, string message, Exception? inner = null)
    : SightlineException(message, inner)
{
    public TfjsImportErrorKind Kind { get; } = kind;
}
