using System.Security.Cryptography;
using Sightline.Models.Onnx;

namespace Sightline.Models.Import;

/// <summary>Import settings. <see cref="Metadata"/> is added to the ONNX file's metadata (provenance).</summary>
public sealed record TfjsImportOptions(bool FreeBatchAxis = true, IReadOnlyDictionary<string, string>? Metadata = null);

/// <summary>A converted model: the ONNX bytes and what went into them.</summary>
public readonly record struct TfjsImportResult(
    byte[] Onnx,
    TfGraphConversion Conversion,
    string ModelSha256,
    IReadOnlyList<string> ShardSha256,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// Turns a TensorFlow.js graph model (model.json plus weight shards) into an ONNX model whose
/// metadata records where it came from and which converter made it.
/// </summary>
public static class TfjsImporter
{
    /// <summary>Bumped whenever a change can alter the ONNX a given model converts to; stores rebuild on change.</summary>
    public const int ConverterVersion = 8;

    public static TfjsImportResult ImportFile(string modelJsonPath, TfjsImportOptions? options = null)
    {
        if (!File.Exists(modelJsonPath))
            throw new TfjsImportException(TfjsImportErrorKind.BadModelFile, $"{modelJsonPath} does not exist");
        var json = File.ReadAllBytes(modelJsonPath);
        // Editors may save model.json with a byte-order mark; JSON parsers reject it.
        var text = System.Text.Encoding.UTF8.GetString(json.AsSpan().StartsWith("\uFEFF"u8) ? json.AsSpan(3) : json);
        if (modelJsonPath.EndsWith(".js", StringComparison.OrdinalIgnoreCase))
            text = JsModuleLiteral.ExportedObjectAsJson(text, modelJsonPath);
        var model = TfjsModelFile.Parse(text, modelJsonPath);
        var directory = Path.GetDirectoryName(Path.GetFullPath(modelJsonPath))!;
        var shards = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var weights = TfjsWeightReader.Decode(model, path => shards[path] = ReadShard(directory, path));
        return Import(model, weights, json, shards.Values.ToList(), options);
    }

    /// <summary>A weight shard as listed, or (nsfwjs) the same shard wrapped as a JavaScript module.</summary>
    private static byte[] ReadShard(string directory, string path)
    {
        var file = Path.Combine(directory, path);
        if (File.Exists(file))
            return File.ReadAllBytes(file);
        foreach (var wrapped in new[] { file + ".min.js", file + ".js" })
            if (File.Exists(wrapped))
                return JsModuleLiteral.ExportedBase64(File.ReadAllText(wrapped), wrapped);
        throw new TfjsImportException(TfjsImportErrorKind.BadWeights, $"weight shard '{path}' is missing (looked for {file})");
    }

    public static TfjsImportResult Import(TfjsModelFile model, IReadOnlyDictionary<string, TfTensor> weights, byte[] modelJson, IReadOnlyList<byte[]> shards, TfjsImportOptions? options = null)
    {
        options ??= new TfjsImportOptions();
        var conversion = TfGraphConverter.Convert(model, weights, new TfGraphConversionOptions(options.FreeBatchAxis));
        var modelHash = Convert.ToHexStringLower(SHA256.HashData(modelJson));
        var shardHashes = shards.Select(s => Convert.ToHexStringLower(SHA256.HashData(s))).ToArray();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["sightline.converter"] = $"tfjs-graph v{ConverterVersion}",
            ["sightline.tfjs.model_sha256"] = modelHash,
            ["sightline.tfjs.weights_sha256"] = string.Join(",", shardHashes),
            ["sightline.tfjs.ops"] = string.Join(",", conversion.TfOps.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{p.Value}")),
            ["sightline.inputs"] = string.Join(",", conversion.InputNames),
            ["sightline.outputs"] = string.Join(",", conversion.OutputNames),
        };
        if (model.GeneratedBy is { } generated) metadata["sightline.tfjs.generated_by"] = generated;
        if (model.ConvertedBy is { } converted) metadata["sightline.tfjs.converted_by"] = converted;
        foreach (var (key, value) in options.Metadata ?? new Dictionary<string, string>())
            metadata[key] = value;
        var onnx = OnnxBuilder.Model(conversion.Graph, TfGraphConverter.Opset, "sightline-tfjs-import", metadata);
        return new TfjsImportResult(onnx, conversion, modelHash, shardHashes, metadata);
    }
}
