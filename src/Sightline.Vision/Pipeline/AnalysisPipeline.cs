using System.Diagnostics;
using System.Runtime.CompilerServices;
using Sightline.Imaging;
using Sightline.Inference.Timing;

namespace Sightline.Vision.Pipeline;

/// <summary>How many images are in flight at once (decoded and waiting for, or in, their tasks).</summary>
public sealed record PipelineOptions(int MaxInFlight = 8)
{
    public static PipelineOptions Default { get; } = new();
}

/// <summary>Wall time of the one decode and of each task on one image, in milliseconds.</summary>
public sealed record PipelineTimings(double DecodeMs, IReadOnlyDictionary<string, double> TaskMs);

/// <summary>Every chosen task's result on one image, by task name, with the image's upright original size.</summary>
public sealed record ImageAnalysis(
    SourceRef Source,
    int Width,
    int Height,
    ImageFormat Format,
    IReadOnlyDictionary<string, object> Results,
    PipelineTimings Timings)
{
    public T Get<T>(string task) where T : class => (T)Results[task];
}

/// <summary>
/// The one loop over inputs: each source is decoded once, at the largest size the chosen tasks need, and every
/// task runs on those pixels. Up to <see cref="PipelineOptions.MaxInFlight"/> images are in flight, so decoding
/// the next images overlaps the tasks of earlier ones and tasks batch across images, while memory stays
/// bounded. Results come back in input order; an input that cannot be read is an <see cref="Outcome{T}"/>
/// with a typed error and the rest go on.
/// </summary>
public sealed class AnalysisPipeline
{
    private readonly IReadOnlyList<IImageTask> _tasks;
    private readonly PipelineOptions _options;
    private readonly ImageLimits _limits;

    public AnalysisPipeline(IReadOnlyList<IImageTask> tasks, ImageLimits? limits = null, PipelineOptions? options = null)
    {
        if (tasks.Count == 0)
            throw new ArgumentException("at least one task is needed", nameof(tasks));
        if (tasks.Select(t => t.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() != tasks.Count)
            throw new ArgumentException("each task may be chosen once", nameof(tasks));
        _tasks = tasks;
        _limits = limits ?? ImageLimits.Default;
        _options = options ?? PipelineOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxInFlight, 1);
        DecodeSize = DecodeSize.Largest(tasks.Select(t => t.DecodeSize));
    }

    /// <summary>The one decode every image gets.</summary>
    public DecodeSize DecodeSize { get; }

    public IReadOnlyList<IImageTask> Tasks => _tasks;

    /// <summary>Runs every task on every source; <paramref name="progress"/> gets the count of inputs done.</summary>
    public async IAsyncEnumerable<Outcome<ImageAnalysis>> RunAsync(IEnumerable<ImageSource> sources, IProgress<int>? progress = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var window = new Queue<Task<Outcome<ImageAnalysis>>>();
        var done = 0;
        foreach (var source in sources)
        {
            cancellationToken.ThrowIfCancellationRequested();
            window.Enqueue(Task.Run(() => AnalyzeAsync(source, cancellationToken), cancellationToken));
            if (window.Count >= _options.MaxInFlight)
            {
                yield return await window.Dequeue().ConfigureAwait(false);
                progress?.Report(++done);
            }
        }
        while (window.Count > 0)
        {
            yield return await window.Dequeue().ConfigureAwait(false);
            progress?.Report(++done);
        }
    }

    /// <summary>All outcomes, in input order.</summary>
    public async Task<IReadOnlyList<Outcome<ImageAnalysis>>> RunAllAsync(IEnumerable<ImageSource> sources, IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var outcomes = new List<Outcome<ImageAnalysis>>();
        await foreach (var outcome in RunAsync(sources, progress, cancellationToken).ConfigureAwait(false))
            outcomes.Add(outcome);
        return outcomes;
    }

    /// <summary>One task over many sources, its results typed.</summary>
    public static async IAsyncEnumerable<Outcome<TResult>> RunAsync<TResult>(IImageTask<TResult> task, IEnumerable<ImageSource> sources,
        ImageLimits? limits = null, PipelineOptions? options = null, IProgress<int>? progress = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default) where TResult : class
    {
        var pipeline = new AnalysisPipeline([task], limits, options);
        await foreach (var outcome in pipeline.RunAsync(sources, progress, cancellationToken).ConfigureAwait(false))
            yield return outcome.Result is { } analysis
                ? Outcome<TResult>.Success(outcome.Source, analysis.Get<TResult>(task.Name))
                : Outcome<TResult>.Failure(outcome.Source, outcome.Error!);
    }

    /// <summary>Decodes one source once and runs every task on it.</summary>
    public async Task<Outcome<ImageAnalysis>> AnalyzeAsync(ImageSource source, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        DecodedImage image;
        try
        {
            image = Decode(source);
        }
        catch (ImageLoadException e)
        {
            return Outcome<ImageAnalysis>.Failure(source.Ref, InputError.From(e));
        }
        using (image)
        {
            var decodeMs = StageTimings.Since(start);
            var runs = _tasks.Select(task => TimedAsync(task, image, cancellationToken)).ToArray();
            var done = await Task.WhenAll(runs).ConfigureAwait(false);
            var results = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            var timings = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < _tasks.Count; i++)
            {
                results[_tasks[i].Name] = done[i].Result;
                timings[_tasks[i].Name] = done[i].Ms;
            }
            return Outcome<ImageAnalysis>.Success(source.Ref, new ImageAnalysis(source.Ref, image.OriginalWidth, image.OriginalHeight, image.Format,
                results, new PipelineTimings(decodeMs, timings)));
        }
    }

    private static async Task<(object Result, double Ms)> TimedAsync(IImageTask task, DecodedImage image, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var result = await task.RunUntypedAsync(image, cancellationToken).ConfigureAwait(false);
        return (result, StageTimings.Since(start));
    }

    private DecodedImage Decode(ImageSource source) => source switch
    {
        FileSource file => ImageDecoder.Decode(file.Path, DecodeSize, _limits),
        BytesSource bytes => ImageDecoder.Decode(bytes.Data.Span, bytes.Name, DecodeSize, _limits),
        FrameSource frame => DecodedImage.FromPixels(frame.Pixels, frame.Name),
        _ => throw new ArgumentException($"unknown source type {source.GetType().Name}", nameof(source)),
    };
}
