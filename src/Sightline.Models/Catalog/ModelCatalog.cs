namespace Sightline.Models.Catalog;

/// <summary>The named models Sightline knows how to fetch. Look-ups are case-insensitive.</summary>
public sealed class ModelCatalog
{
    private readonly Dictionary<string, ModelEntry> _entries;

    public ModelCatalog(IEnumerable<ModelEntry> entries)
    {
        _entries = new Dictionary<string, ModelEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
            if (!_entries.TryAdd(entry.Id, entry))
                throw new ArgumentException($"catalog lists model '{entry.Id}' twice", nameof(entries));
    }

    public static ModelCatalog BuiltIn { get; } = new(BuiltInModels.All);

    public IReadOnlyCollection<ModelEntry> Entries => _entries.Values;

    public bool TryGet(string id, out ModelEntry entry) => _entries.TryGetValue(id, out entry!);

    public ModelEntry Get(string id) =>
        TryGet(id, out var entry)
            ? entry
            : throw new ModelStoreException(ModelStoreErrorKind.UnknownModel,
                $"no model named '{id}' in the catalog; known models: {string.Join(", ", _entries.Keys.Order())}");
}
