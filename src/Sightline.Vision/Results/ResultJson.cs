using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sightline.Vision.Results;

/// <summary>
/// The one JSON shape of every result: the CLI's --json and the API serialise the same result records with
/// these options (camelCase, enums as camelCase strings, what is null left out, an undefined score as "NaN").
/// </summary>
public static class ResultJson
{
    public static JsonSerializerOptions Options { get; } = MakeReadOnly(Configure(new JsonSerializerOptions()));

    /// <summary>Sets the shared conventions on <paramref name="options"/> (the server's own options object, say).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        // A score that is undefined (no unknown rule, say) is written as "NaN" rather than failing the document.
        options.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        // Results go to terminals, programs and the page's JSON panel (as text, never as HTML): keep '+', quotes and non-ASCII readable.
        options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        return options;
    }

    private static JsonSerializerOptions MakeReadOnly(JsonSerializerOptions options)
    {
        options.TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver();
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>The image as decoded: its upright width and height in pixels.</summary>
public sealed record ImageSize(int Width, int Height);

/// <summary>A model a result came from: its catalog id and version.</summary>
public sealed record ModelRef(string Id, string Version);
