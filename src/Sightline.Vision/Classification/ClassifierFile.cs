using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sightline.Vision.Classification;

/// <summary>
/// Reads and writes <c>.sightline</c> classifier files: a zip (its CRCs catch damage) holding one
/// <c>classifier.json</c> whose <c>formatVersion</c> is checked before anything else is read.
/// </summary>
public static class ClassifierFile
{
    public const string EntryName = "classifier.json";
    public const string Extension = ".sightline";

    /// <summary>
    /// Largest classifier document read (a head over 512 features for 10,000 classes is about 60 MB of JSON), so a
    /// small zip that inflates to gigabytes is refused instead of filling memory.
    /// </summary>
    public const long MaxDocumentBytes = 256L * 1024 * 1024;

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // No named floating-point literals: NaN and Infinity are not JSON, and an unknown rule that cannot be
        // calibrated is stored as "off" (ThresholdJsonConverter), which also reads the "-Infinity" of older files.
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void Save(ClassifierModel model, string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            if (Path.GetDirectoryName(full) is { } dir)
                Directory.CreateDirectory(dir);
            // Write beside and move, so a failed write never leaves half a file under the real name.
            var temp = full + ".tmp";
            using (var stream = File.Create(temp))
            using (var zip = new ZipArchive(stream, ZipArchiveMode.Create))
            {
                var entry = zip.CreateEntry(EntryName, CompressionLevel.Optimal);
                using var writer = entry.Open();
                JsonSerializer.Serialize(writer, model, JsonOptions);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClassifierFileException(ClassifierFileErrorKind.Io, $"cannot write classifier '{path}': {e.Message}", e);
        }
    }

    public static ClassifierModel Load(string path)
    {
        if (!File.Exists(path))
            throw new ClassifierFileException(ClassifierFileErrorKind.Io, $"classifier file '{path}' does not exist");
        try
        {
            using var file = File.OpenRead(path);
            return Read(file, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClassifierFileException(ClassifierFileErrorKind.Io, $"cannot read classifier '{path}': {e.Message}", e);
        }
    }

    /// <summary>A classifier from the bytes of a <c>.sightline</c> file; <paramref name="source"/> names it in errors.</summary>
    public static ClassifierModel Read(Stream file, string source)
    {
        byte[] json;
        try
        {
            using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            var entry = zip.GetEntry(EntryName)
                ?? throw new ClassifierFileException(ClassifierFileErrorKind.Corrupt, $"'{source}' is not a Sightline classifier (no {EntryName} inside)");
            if (entry.Length > MaxDocumentBytes)
                throw new ClassifierFileException(ClassifierFileErrorKind.Corrupt, $"'{source}' is not a Sightline classifier: its {EntryName} claims {entry.Length} bytes, more than {MaxDocumentBytes}");
            using var stream = entry.Open();
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                // The declared length may lie; the inflated bytes are what count.
                if (buffer.Length + read > MaxDocumentBytes)
                    throw new ClassifierFileException(ClassifierFileErrorKind.Corrupt, $"'{source}' is not a Sightline classifier: its {EntryName} inflates to more than {MaxDocumentBytes} bytes");
                buffer.Write(chunk, 0, read);
            }
            json = buffer.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new ClassifierFileException(ClassifierFileErrorKind.Corrupt, $"'{source}' is not a Sightline classifier or is damaged: {e.Message}", e);
        }
        return Parse(json, source);
    }

    /// <summary>Reads the JSON document of a classifier; <paramref name="source"/> names it in errors.</summary>
    public static ClassifierModel Parse(ReadOnlySpan<byte> json, string source)
    {
        // A hand-edited file may carry a UTF-8 byte order mark; the JSON reader does not accept one.
        if (json.StartsWith("\uFEFF"u8))
            json = json[3..];
        int version;
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("formatVersion", out var v) || !v.TryGetInt32(out version))
                throw new ClassifierFileException(ClassifierFileErrorKind.Corrupt, $"'{source}' is not a Sightline classifier (no format version)");
        }
        catch (JsonException e)
        {
            throw new ClassifierFileException(ClassifierFileErrorKind.Corrupt, $"'{source}' is damaged: {e.Message}", e);
        }
        if (version is < ClassifierModel.OldestReadableFormatVersion or > ClassifierModel.CurrentFormatVersion)
            throw new ClassifierFileException(ClassifierFileErrorKind.IncompatibleVersion,
                $"'{source}' is a classifier of format version {version}; this Sightline reads versions {ClassifierModel.OldestReadableFormatVersion} to {ClassifierModel.CurrentFormatVersion}"
                + (version > ClassifierModel.CurrentFormatVersion ? " (update Sightline)" : " (retrain it with this Sightline)"));
        try
        {
            var model = JsonSerializer.Deserialize<ClassifierModel>(json, JsonOptions)
                ?? throw new ClassifierFileException(ClassifierFileErrorKind.Corrupt, $"'{source}' is empty");
            if (model.Backbone is null || model.Classes is null || model.Head?.Weights is null || model.Head.Bias is null || model.Unknown is null)
                throw new ClassifierFileException(ClassifierFileErrorKind.Corrupt, $"'{source}' is damaged: parts are missing");
            return model.Validate(source);
        }
        catch (JsonException e)
        {
            throw new ClassifierFileException(ClassifierFileErrorKind.Corrupt, $"'{source}' is damaged: {e.Message}", e);
        }
    }
}
