using System.Collections.Concurrent;
using Sightline.Server.Errors;
using Sightline.Vision.Classification;

namespace Sightline.Server.Hosting;

/// <summary>
/// The custom classifiers behind /v1/classify (<c>sightline serve --classifier name=path</c>): each
/// <c>.sightline</c> file is read on first use and kept for listing and checks; classification itself is the
/// registry's classify task (<see cref="Api.AnalysisServices"/>), whose backbone is the shared context's
/// embedding worker, so it is batched and bounded like /v1/embeddings (429 when full). A file that cannot be
/// read answers 503 <c>classifier_unavailable</c> and is retried on the next request.
/// </summary>
public sealed class ClassifierServices(ServerOptions options)
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
        var path = PathOf(name);
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

    /// <summary>The file of a configured classifier (see <see cref="Model"/> for the checks).</summary>
    public string PathOf(string name) => _paths.TryGetValue(name, out var path) ? path : throw Unknown(name);

    /// <summary>A configured classifier's name as it was configured (names are looked up ignoring case).</summary>
    public string CanonicalName(string name) => _paths.Keys.FirstOrDefault(k => k.Equals(name, StringComparison.OrdinalIgnoreCase)) ?? throw Unknown(name);

    private ApiProblemException Unknown(string name) => new(404, "unknown_classifier",
        _paths.Count == 0
            ? "the server has no classifier; start it with --classifier name=path.sightline"
            : $"no classifier named '{name}'; known: {string.Join(", ", Names)}");
}
