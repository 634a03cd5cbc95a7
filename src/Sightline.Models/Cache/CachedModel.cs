using Sightline.Models.Catalog;

namespace Sightline.Models.Cache;

/// <summary>A model present in the cache and checked against its manifest.</summary>
public sealed record CachedModel(ModelEntry Entry, string Directory, CacheManifest Manifest)
{
    public string PathOf(string cacheName) => Path.Combine(Directory, cacheName);

    /// <summary>The ONNX file to load, for entries that have one.</summary>
    public string ModelPath => Entry.ModelFile is { } file
        ? PathOf(file)
        : throw new ModelStoreException(ModelStoreErrorKind.PackageContent, $"model '{Entry.Id}' is a download-only package with no ONNX model to load");

    /// <summary>A short version string: package version plus the first hex digits of the model file's hash.</summary>
    public string Version
    {
        get
        {
            var file = Entry.ModelFile is { } name ? Manifest.Files.FirstOrDefault(f => f.Name == name) : null;
            return file is null ? Entry.Source.Version : $"{Entry.Source.Version}+{file.Sha256[..12]}";
        }
    }
}
