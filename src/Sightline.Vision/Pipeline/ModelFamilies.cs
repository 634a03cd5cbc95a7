using Sightline.Models;
using Sightline.Models.Cache;

namespace Sightline.Vision.Pipeline;

/// <summary>
/// One model family in one role: which catalog ids it covers, the short names users type, and how to make the
/// role's component (a detector, a score-map model, a face describer, ...) from a cached model. Adding a model
/// family is adding one of these, plus its decoder and its tests.
/// </summary>
public sealed record FamilyEntry<T>(
    string Role,
    string Family,
    IReadOnlyList<string> ModelIds,
    IReadOnlyList<string> Aliases,
    Func<TaskContext, CachedModel, T> Create,
    bool IsDefault = false) where T : class
{
    /// <summary>The catalog id this family runs by default (its first).</summary>
    public string ModelId => ModelIds[0];

    public bool Answers(string name) =>
        ModelIds.Contains(name, StringComparer.OrdinalIgnoreCase) || Aliases.Contains(name, StringComparer.OrdinalIgnoreCase)
        || string.Equals(Family, name, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// The families of one role, keyed by family and by the ids and names that select them. Lookup by a name no
/// family answers is an unknown model whose message lists this role's families only.
/// </summary>
public sealed class FamilyRegistry<T> where T : class
{
    private readonly List<FamilyEntry<T>> _entries = [];

    public FamilyRegistry(string role, string roleTitle)
    {
        Role = role;
        RoleTitle = roleTitle;
    }

    public string Role { get; }

    /// <summary>How the role reads in messages: "object detector", "face detector", ...</summary>
    public string RoleTitle { get; }

    public IReadOnlyList<FamilyEntry<T>> Entries => _entries;

    public FamilyEntry<T> Default => _entries.FirstOrDefault(e => e.IsDefault) ?? _entries[0];

    public FamilyRegistry<T> Add(FamilyEntry<T> entry)
    {
        if (entry.Role != Role)
            throw new ArgumentException($"entry for role '{entry.Role}' added to the '{Role}' registry", nameof(entry));
        if (_entries.Any(e => e.Family == entry.Family))
            throw new ArgumentException($"family '{entry.Family}' is already registered for '{Role}'", nameof(entry));
        _entries.Add(entry);
        return this;
    }

    /// <summary>The entry a name selects (catalog id, family or short name; null: the default), or null.</summary>
    public FamilyEntry<T>? Find(string? name) => name is null ? Default : _entries.FirstOrDefault(e => e.Answers(name));

    /// <summary>The entry a name selects; an unknown name throws <see cref="ModelStoreException"/> (unknown model) listing this role's families.</summary>
    public FamilyEntry<T> Resolve(string? name) => Find(name) ?? throw new ModelStoreException(ModelStoreErrorKind.UnknownModel,
        $"'{name}' is not a{(StartsWithVowel(RoleTitle) ? "n" : "")} {RoleTitle}; known: {Describe()}");

    /// <summary>The catalog id a name selects.</summary>
    public string ResolveId(string? name) => Resolve(name).ModelId;

    /// <summary>"centernet (human-centernet, the default), nanodet (human-nanodet)".</summary>
    public string Describe() => string.Join(", ", _entries.Select(e =>
        $"{e.Family} ({e.ModelId}{(ReferenceEquals(e, Default) ? ", the default" : "")})"));

    /// <summary>Pulls the model a name selects (when missing) and makes the component.</summary>
    public async Task<T> CreateAsync(TaskContext context, string? name, CancellationToken cancellationToken = default)
    {
        var entry = Resolve(name);
        var id = name is not null && entry.ModelIds.Contains(name, StringComparer.OrdinalIgnoreCase)
            ? entry.ModelIds.First(m => string.Equals(m, name, StringComparison.OrdinalIgnoreCase))
            : entry.ModelId;
        var model = await context.Store.EnsureAsync(id, cancellationToken: cancellationToken).ConfigureAwait(false);
        return entry.Create(context, model);
    }

    private static bool StartsWithVowel(string s) => s.Length > 0 && "aeiou".Contains(char.ToLowerInvariant(s[0]));
}
