using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace Sightline.Inference.Sessions;

/// <summary>
/// Owns the ONNX Runtime sessions: one warm session per model file, created on first use and kept
/// until the engine is disposed. Knows nothing about tasks.
/// </summary>
public sealed class InferenceEngine : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<ModelSession>> _sessions = new(StringComparer.Ordinal);
    private readonly Action<string> _warn;
    private int _cudaWarned;

    public InferenceEngine(EngineOptions? options = null, Action<string>? warn = null)
    {
        Options = options ?? EngineOptions.Default;
        _warn = warn ?? (message => Console.Error.WriteLine($"warning: {message}"));
    }

    public EngineOptions Options { get; }

    /// <summary>The session for <paramref name="onnxPath"/>, created once and reused.</summary>
    public ModelSession Open(string onnxPath)
    {
        var key = System.IO.Path.GetFullPath(onnxPath);
        var lazy = _sessions.GetOrAdd(key, k => new Lazy<ModelSession>(() => Create(k), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _sessions.TryRemove(new KeyValuePair<string, Lazy<ModelSession>>(key, lazy));
            throw;
        }
    }

    private ModelSession Create(string path)
    {
        if (!File.Exists(path))
            throw new InferenceException($"model file '{path}' does not exist");
        var device = Options.Device;
        var options = NewSessionOptions();
        if (device == ExecutionDevice.Cuda && !TryAddCuda(options))
        {
            options.Dispose();
            options = NewSessionOptions();
            device = ExecutionDevice.Cpu;
        }
        InferenceSession? session = null;
        try
        {
            session = new InferenceSession(path, options);
            return new ModelSession(path, session, device);
        }
        catch (OnnxRuntimeException e)
        {
            session?.Dispose();
            throw new InferenceException($"cannot load model '{path}': {e.Message}", e);
        }
        catch (NullReferenceException e)
        {
            // ONNX Runtime's managed metadata reader fails this way on a model it loaded whose metadata lacks a string
            // (found by fuzzing): the file is not a model this engine can describe.
            session?.Dispose();
            throw new InferenceException($"cannot load model '{path}': ONNX Runtime cannot read its metadata (a name or value is missing)", e);
        }
        finally
        {
            options.Dispose();
        }
    }

    private SessionOptions NewSessionOptions()
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Options.EffectiveThreads,
            InterOpNumThreads = 1,
        };
        if (!Options.SpinWait)
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }

    // The CPU package carries no CUDA provider; a machine with the GPU package and a driver gets CUDA.
    private bool TryAddCuda(SessionOptions options)
    {
        try
        {
            options.AppendExecutionProvider_CUDA();
            return true;
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            if (Interlocked.Exchange(ref _cudaWarned, 1) == 0)
                _warn($"CUDA is not available ({FirstLine(e.Message)}); running on CPU");
            return false;
        }
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    public void Dispose()
    {
        foreach (var lazy in _sessions.Values)
            if (lazy.IsValueCreated)
                lazy.Value.Release();
        _sessions.Clear();
    }
}
