using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Server.Errors;
using Sightline.Vision.Similarity;

namespace Sightline.Server.Hosting;

/// <summary>
/// What every endpoint shares: the model store, the inference engine (warm sessions) and the similarity
/// indexes, each index opened on first use. The models themselves run in the tasks of the server's shared
/// task context (<see cref="Api.AnalysisServices"/>), each behind its own dynamic batcher.
/// </summary>
public sealed class VisionServices : IAsyncDisposable
{
    private readonly ServerOptions _options;
    private readonly ConcurrentDictionary<string, Lazy<SimilarityIndex>> _indexes = new(StringComparer.OrdinalIgnoreCase);

    public VisionServices(ServerOptions options, ILogger<VisionServices> log)
    {
        _options = options;
        Store = new ModelStore(options.ModelHome);
        Engine = new InferenceEngine(options.Engine, message => log.LogWarning("{Message}", message));
    }

    public ModelStore Store { get; }
    public InferenceEngine Engine { get; }
    public ServerOptions Options => _options;

    public SimilarityIndex Index(string name)
    {
        if (!_options.Indexes.TryGetValue(name, out var path))
            throw new ApiProblemException(404, "unknown_index",
                _options.Indexes.Count == 0 ? "the server has no similarity index; start it with --index name=path" : $"no index named '{name}'; known: {string.Join(", ", _options.Indexes.Keys)}");
        var lazy = _indexes.GetOrAdd(name, _ => new Lazy<SimilarityIndex>(() => SimilarityIndex.Open(path)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _indexes.TryRemove(new KeyValuePair<string, Lazy<SimilarityIndex>>(name, lazy));
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var lazy in _indexes.Values)
            if (lazy.IsValueCreated)
                lazy.Value.Dispose();
        Engine.Dispose();
        return ValueTask.CompletedTask;
    }
}
