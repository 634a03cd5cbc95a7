using Sightline.Models.Catalog;

namespace Sightline.Vision.Moderation;

/// <summary>The content classifier's classes as the catalog lists them (the model's output order), in lower case.</summary>
public static class ModerationClasses
{
    /// <summary>The catalog id of the content classifier the <c>moderate</c> task runs.</summary>
    public const string ModelId = "nsfwjs-mobilenet-v2";

    /// <summary>drawing, hentai, neutral, porn, sexy: nsfwjs's NSFW_CLASSES order.</summary>
    public static IReadOnlyList<string> All { get; } = Of(ModelCatalog.BuiltIn.Get(ModelId));

    /// <summary>The lower-case labels of a catalog entry, in its output order.</summary>
    public static IReadOnlyList<string> Of(ModelEntry entry) =>
        (entry.Labels ?? throw new ArgumentException($"model '{entry.Id}' has no labels", nameof(entry))).Select(l => l.ToLowerInvariant()).ToArray();
}
