using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sightline.Vision.Pipeline;
using Sightline.Vision.Results;

namespace Sightline.Library.Ingestion;

/// <summary>
/// The version an analysis runs at: a short hash of the task's name, the models it runs, its options record and
/// the layout of what the library stores of it. Any of them changing makes that task's stored results out of date,
/// and only that task's.
/// </summary>
public static class AnalysisVersions
{
    /// <summary>Bumped when what the library stores of an analysis changes shape, so that every photo is analysed again.</summary>
    public const int StoredSchema = 1;

    public static string Of(string task, IEnumerable<string> modelIds, TaskOptions options) =>
        Of(task, modelIds, CanonicalJson(options));

    public static string Of(string task, IEnumerable<string> modelIds, string canonicalOptions)
    {
        var text = new StringBuilder()
            .Append(task.ToLowerInvariant()).Append('\n')
            .AppendJoin(',', modelIds.Select(m => m.ToLowerInvariant()).Order(StringComparer.Ordinal)).Append('\n')
            .Append(canonicalOptions).Append('\n')
            .Append(StoredSchema)
            .ToString();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
    }

    /// <summary>The options record as JSON with its properties sorted, so that declaration order never changes a version.</summary>
    public static string CanonicalJson(TaskOptions options)
    {
        var node = JsonSerializer.SerializeToNode(options, options.GetType(), ResultJson.Options);
        return Sorted(node)?.ToJsonString() ?? "null";
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}
