using System.Text.Json;

namespace Sightline.Models.Import;

internal static class JsonFields
{
    /// <summary>The string value of a field the format requires; JSON null there is a <see cref="FormatException"/>.</summary>
    public static string RequiredString(this JsonElement element) =>
        element.GetString() ?? throw new FormatException("a field that must be a string is null");
}
