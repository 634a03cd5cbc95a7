using Sightline.Imaging;

namespace Sightline.Models;

public enum ModelStoreErrorKind
{
    UnknownModel,
    NotCached,
    Network,
    IntegrityMismatch,
    CorruptCache,
    PackageContent,
    Configuration,
}

/// <summary>Anything that keeps a model from being fetched, checked or loaded from the cache.</summary>
public sealed class ModelStoreException(ModelStoreErrorKind kind, string message, Exception? inner = null)
    : SightlineException(message, inner)
{
    public ModelStoreErrorKind Kind { get; } = kind;
}
