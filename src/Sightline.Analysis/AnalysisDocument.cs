using System.Text.Json;
using Sightline.Imaging;
using Sightline.Vision.Pipeline;
using Sightline.Vision.Results;

namespace Sightline.Analysis;

/// <summary>
/// The JSON document of one analysed image, the same for <c>sightline analyze --json</c> (one per line) and
/// <c>POST /v1/analyze</c>: where it came from, its upright original size and format, every chosen task's
/// result record by task name, the models each task ran, the time of the one decode and of each task; or, for
/// an input that gave nothing, its typed error.
/// </summary>
public sealed record AnalysisDocument(
    string Source,
    long? Frame,
    int? Width,
    int? Height,
    ImageFormat? Format,
    IReadOnlyDictionary<string, object>? Results,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Models,
    PipelineTimings? Timings,
    InputError? Error)
{
    /// <summary>The document of one pipeline outcome; <paramref name="tasks"/> are the pipeline's (for the models they ran).</summary>
    public static AnalysisDocument From(Outcome<ImageAnalysis> outcome, IReadOnlyList<IImageTask> tasks)
    {
        if (outcome.Result is not { } analysis)
            return Failed(outcome.Source, outcome.Error!);
        var models = tasks.ToDictionary(t => t.Name, t => t.ModelIds, StringComparer.OrdinalIgnoreCase);
        return new AnalysisDocument(outcome.Source.Name, outcome.Source.Frame, analysis.Width, analysis.Height, analysis.Format,
            analysis.Results, models, analysis.Timings, null);
    }

    public static AnalysisDocument Failed(SourceRef source, InputError error) => new(source.Name, source.Frame, null, null, null, null, null, null, error);

    /// <summary>A file of a named folder that is not an image: reported, never skipped silently.</summary>
    public static AnalysisDocument NotAnImage(SkippedFile file) => Failed(new SourceRef(file.Path), new InputError(NotAnImageCode, file.Reason));

    public const string NotAnImageCode = "not_an_image";
}

/// <summary>The serializer options of <see cref="AnalysisDocument"/>: <see cref="ResultJson"/>'s, shared by the CLI and the server and by every task's own command and endpoint.</summary>
public static class AnalysisJson
{
    public static JsonSerializerOptions Options => ResultJson.Options;

    public static string Serialize(AnalysisDocument document) => JsonSerializer.Serialize(document, Options);
}
