using Sightline.Imaging;

namespace Sightline.Vision.Classification;

/// <summary>Training cannot go ahead with the data given (too few classes, an empty class...).</summary>
public sealed class ClassifierTrainingException(string message, Exception? inner = null) : SightlineException(message, inner);

/// <summary>What is wrong with a classifier file.</summary>
public enum ClassifierFileErrorKind
{
    /// <summary>Not a classifier file, or damaged.</summary>
    Corrupt,
    /// <summary>Written in a format version this Sightline does not read.</summary>
    IncompatibleVersion,
    /// <summary>Its backbone model is not available, or differs from the one it was trained on.</summary>
    BackboneMismatch,
    /// <summary>The file does not exist or cannot be read or written.</summary>
    Io,
}

/// <summary>A classifier file (<c>.sightline</c>) cannot be read, written or used.</summary>
public sealed class ClassifierFileException(ClassifierFileErrorKind kind, string message, Exception? inner = null) : SightlineException(message, inner)
{
    public ClassifierFileErrorKind Kind { get; } = kind;
}
