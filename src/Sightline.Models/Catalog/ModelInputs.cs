using Sightline.Models.Import;

namespace Sightline.Models.Catalog;

/// <summary>
/// The typed input of each catalog model Sightline feeds itself (size, layout, colours, values, fit): the one
/// description of its pre-processing, which both <c>models info</c> and the code that fills the tensor read.
/// </summary>
public static class ModelInputs
{
    /// <summary>The typed input of a catalog model, or null when the catalog describes it in words only.</summary>
    public static TfjsInputSpec? Of(string id) =>
        BuiltInModels.Inputs.TryGetValue(id, out var input) ? input : TfjsModels.InputOf(id);
}
