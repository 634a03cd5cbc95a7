using System.CommandLine;
using System.CommandLine.Parsing;
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

        var parse = BuildRoot(Context).Parse(args);
        var errors = parse.Errors.Select(e => e.Message)
            .Concat(UnknownOptions(parse).Select(o => $"unknown option '{o}' (a path that begins with '-' goes after '--')")).ToList();
        if (errors.Count > 0)
        {
            foreach (var message in errors)
                error.WriteLine($"error: {message}");
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

    /// <summary>The whole command tree; <paramref name="context"/> is created on first use by the chosen command.</summary>
    internal static RootCommand BuildRoot(Func<ParseResult, CliContext> context)
    {
        return new RootCommand("Sightline: image recognition on your own machine")
        {
            CliContext.JsonOption,
            CliContext.ThreadsOption,
            CliContext.DeviceOption,
            CliContext.MaxImageMegabytesOption,
            CliContext.MaxMegapixelsOption,
            ModelsCommand.Create(context),
            SimilarityCommands.Index(context),
            SimilarityCommands.Similar(context),
            DetectionCommands.Detect(context),
            DetectionCommands.Localize(context),
            SegmentationCommands.Segment(context),
            FaceCommands.Faces(context),
            AnalyzeCommand.Create(context),
            ServeCommand.Create(context),
            ClassificationCommands.Train(context),
            ClassificationCommands.Classify(context),
            ClassificationCommands.Export(context),
            ModerationCommands.Moderate(context),
            OcrCommands.Ocr(context),
            LibraryCommands.Create(context),
            VideoCommands.Video(context),
            new Command("eval", "Measure a task on labelled data")
            {
                SimilarityCommands.EvalSimilar(context),
                DetectionCommands.EvalDetect(context),
                SegmentationCommands.EvalSegment(context),
                ClassificationCommands.EvalClassify(context),
                ClassificationCommands.EvalUnknown(context),
                FaceCommands.EvalFaces(context),
                FaceCommands.EvalEmotions(context),
                PeopleEvalCommands.EvalPeople(context),
                ModerationCommands.EvalModerate(context),
                OcrCommands.EvalOcr(context),
                VideoCommands.EvalTrack(context),
            },
        };
    }

    /// <summary>
    /// Words that look like options but name none, which the parser would otherwise hand to a command's
    /// file arguments (so '--bogus' became an image path). Everything after '--' is taken literally.
    /// </summary>
    internal static IReadOnlyList<string> UnknownOptions(ParseResult parse)
    {
        var literal = new HashSet<Token>(parse.Tokens.SkipWhile(t => t.Type != TokenType.DoubleDash), ReferenceEqualityComparer.Instance);
        var unknown = new List<string>();
        for (SymbolResult? result = parse.CommandResult; result is not null; result = result.Parent)
            if (result is CommandResult command)
                foreach (var argument in command.Children.OfType<ArgumentResult>())
                    unknown.AddRange(argument.Tokens.Where(t => !literal.Contains(t) && LooksLikeOption(t.Value)).Select(t => t.Value));
        return unknown;
    }

    private static bool LooksLikeOption(string word) => word.Length > 1 && word[0] == '-';

    internal static (int Code, string Message) Classify(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: 1 } a => Classify(a.InnerExceptions[0]),
        UsageException or ArgumentOutOfRangeException { ParamName: "top" or "batch" } => (ExitCodes.Usage, e.Message),
        Vision.Pipeline.TaskOptionsException bad => (ExitCodes.Usage, OptionSpelling.InCliTerms(bad)),
        ImageLoadException or InputException or ClassifierTrainingException or Vision.Text.TextLabelsException => (ExitCodes.BadInput, e.Message),
        Faces.Evaluation.EvaluationException or Faces.Descriptors.DescriptorMismatchException => (ExitCodes.BadInput, e.Message),
        Faces.Gallery.GalleryException => (ExitCodes.Gallery, e.Message),
        ClassifierFileException => (ExitCodes.Classifier, e.Message),
        ModelStoreException or InferenceException => (ExitCodes.ModelStore, e.Message),
        IndexException => (ExitCodes.Index, e.Message),
        Library.LibraryStoreException => (ExitCodes.Library, e.Message),
        Library.Export.ExportException => (ExitCodes.Export, e.Message),
        Library.LibraryInputException => (ExitCodes.BadInput, e.Message),
        Video.Decoding.VideoException { Kind: Video.Decoding.VideoErrorKind.ToolMissing } => (ExitCodes.Tool, e.Message),
        Video.Decoding.VideoException or Video.Evaluation.MotFormatException => (ExitCodes.BadInput, e.Message),
        // A query that names nobody the library has is wrong input; a malformed one is a mistake of the command line.
        Library.Search.SearchQueryException { Kind: Library.Search.SearchErrorKind.Unknown } => (ExitCodes.BadInput, e.Message),
        Library.Search.SearchQueryException => (ExitCodes.Usage, e.Message),
        // No such person or face, or a request that names a face not the person's: the input is wrong; a rule broken is its own code.
        Library.People.PeopleException { Kind: Library.People.PeopleErrorKind.Conflict } => (ExitCodes.Conflict, e.Message),
        Library.People.PeopleException => (ExitCodes.BadInput, e.Message),
        OperationCanceledException => (ExitCodes.Cancelled, "cancelled"),
        _ => (ExitCodes.InternalError, $"unexpected failure: {e.Message}"),
    };
}
