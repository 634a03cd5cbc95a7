using System.CommandLine;
using Sightline.Cli.Commands;
using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Models;
using Sightline.Vision.Classification;
using Sightline.Vision.Similarity;

namespace Sightline.Cli;

/// <summary>Builds the command tree and maps every failure to a message and an exit code.</summary>
public static class SightlineCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        CliContext? context = null;
        CliContext Context(ParseResult parse) => context ??= new CliContext(parse, output, error);

        var root = new RootCommand("Sightline: image recognition on your own machine")
        {
            CliContext.JsonOption,
            CliContext.ThreadsOption,
            CliContext.DeviceOption,
            CliContext.MaxImageMegabytesOption,
            CliContext.MaxMegapixelsOption,
            ModelsCommand.Create(Context),
            SimilarityCommands.Index(Context),
            SimilarityCommands.Similar(Context),
            DetectionCommands.Detect(Context),
            DetectionCommands.Localize(Context),
            SegmentationCommands.Segment(Context),
            FaceCommands.Faces(Context),
            ServeCommand.Create(Context),
            ClassificationCommands.Train(Context),
            ClassificationCommands.Classify(Context),
            ClassificationCommands.Export(Context),
            new Command("eval", "Measure a task on labelled data")
            {
                SimilarityCommands.EvalSimilar(Context),
                DetectionCommands.EvalDetect(Context),
                SegmentationCommands.EvalSegment(Context),
                ClassificationCommands.EvalClassify(Context),
                ClassificationCommands.EvalUnknown(Context),
                FaceCommands.EvalFaces(Context),
                FaceCommands.EvalEmotions(Context),
            },
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
                error.WriteLine($"error: {e.Message}");
            error.WriteLine("run 'sightline --help' for usage");
            return ExitCodes.Usage;
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancel.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var (code, message) = Classify(e);
            error.WriteLine($"error: {message}");
            if (code == ExitCodes.InternalError)
                error.WriteLine(e.ToString());
            return code;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            context?.Dispose();
        }
    }

    internal static (int Code, string Message) Classify(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: 1 } a => Classify(a.InnerExceptions[0]),
        UsageException or ArgumentOutOfRangeException { ParamName: "top" or "batch" } => (ExitCodes.Usage, e.Message),
        ImageLoadException or InputException or ClassifierTrainingException => (ExitCodes.BadInput, e.Message),
        Faces.Evaluation.EvaluationException or Faces.Descriptors.DescriptorMismatchException => (ExitCodes.BadInput, e.Message),
        Faces.Gallery.GalleryException => (ExitCodes.Gallery, e.Message),
        ClassifierFileException => (ExitCodes.Classifier, e.Message),
        ModelStoreException or InferenceException => (ExitCodes.ModelStore, e.Message),
        IndexException => (ExitCodes.Index, e.Message),
        OperationCanceledException => (ExitCodes.Cancelled, "cancelled"),
        _ => (ExitCodes.InternalError, $"unexpected failure: {e.Message}"),
    };
}
