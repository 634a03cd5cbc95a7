using System.Collections.Concurrent;
using Sightline.Models;
using Sightline.Server.Errors;
using Sightline.Vision.Classification;

namespace Sightline.Server.Hosting;

/// <summary>
/// The custom classifiers behind /v1/classify (<c>sightline serve --classifier name=path</c>): each
/// <c>.sightline</c> file is read on first use and kept; its backbone is the server's shared embedding
/// worker for that model, so classification is batched and bounded like /v1/embeddings (429 when full).
/// A file that cannot be read, or whose backbone is not the one it was trained on, answers 503
/// <c>classifier_unavailable</c> and is retried on the next request.
/// </summary>
public sealed class ClassifierServices(VisionServices vision, ServerOptions options)
{
    private readonly ConcurrentDictionary<string, Lazy<ClassifierModel>> _models = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _paths = options.Classifiers.ToDictionary(c => c.Key, c => c.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>The configured classifier names, in order (looked up ignoring case).</summary>
    public IReadOnlyList<string> Names => _paths.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>The name to use when the request names none: the first configured one.</summary>
    public string DefaultName => Names.FirstOrDefault()
        ?? throw new ApiProblemException(404, "unknown_classifier", "the server has no classifier; start it with --classifier name=path.sightline");

    /// <summary>The classifier file's content (no backbone loaded).</summary>
    public ClassifierModel Model(string name)
    {
        if (!_paths.TryGetValue(name, out var path))
            throw new ApiProblemException(404, "unknown_classifier",
                _paths.Count == 0
                    ? "the server has no classifier; start it with --classifier name=path.sightline"
                    : $"no classifier named '{name}'; known: {string.Join(", ", Names)}");
        var lazy = _models.GetOrAdd(name, _ => new Lazy<ClassifierModel>(() => ClassifierFile.Load(path)));
        try
        {
            return lazy.Value;
        }
        catch (ClassifierFileException e)
        {
            _models.TryRemove(new KeyValuePair<string, Lazy<ClassifierModel>>(name, lazy));
            throw new ApiProblemException(503, "classifier_unavailable", $"classifier '{name}': {e.Message}");
        }
    }

    /// <summary>The classifier on its backbone's embedding worker; the first call pulls and loads the backbone.</summary>
    public async Task<(ImageClassifier Classifier, EmbeddingWorker Worker)> ClassifierAsync(string name)
    {
        var model = Model(name);
        EmbeddingWorker worker;
        try
        {
            worker = await vision.EmbedderAsync(model.Backbone.Id).ConfigureAwait(false);
            if (model.Backbone.Mismatch(vision.Store.Get(model.Backbone.Id)) is { } problem)
                throw new ClassifierFileException(ClassifierFileErrorKind.BackboneMismatch, problem);
            return (new ImageClassifier(model, worker.Embedder), worker);
        }
        catch (ModelStoreException e)
        {
            throw new ApiProblemException(503, "classifier_unavailable",
                $"classifier '{name}' needs backbone '{model.Backbone.Id}' {model.Backbone.Version}, which is not available: {e.Message}");
        }
        catch (ClassifierFileException e)
        {
            throw new ApiProblemException(503, "classifier_unavailable", $"classifier '{name}': {e.Message}");
        }
    }
}
