using Sightline.Inference.Sessions;
using Sightline.Tests.Shared;

namespace Sightline.Inference.Tests.Sessions;

public sealed class InferenceEngineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-engine-").FullName;

    private string Model(int? batch, int features = 4)
    {
        var path = Path.Combine(_dir, $"relu-{batch?.ToString() ?? "n"}-{features}.onnx");
        File.WriteAllBytes(path, TinyOnnx.ReluTimesTwo(batch, features));
        return path;
    }

    [Fact]
    public void Open_returns_one_warm_session_per_model_file()
    {
        using var engine = new InferenceEngine(new EngineOptions(1));
        var path = Model(null);
        Assert.Same(engine.Open(path), engine.Open(path));
        Assert.NotSame(engine.Open(path), engine.Open(Model(1)));
    }

    [Fact]
    public void Batched_run_equals_one_run_per_item()
    {
        using var engine = new InferenceEngine(new EngineOptions(1));
        var session = engine.Open(Model(null));
        Assert.True(session.SupportsBatch);
        var input = new float[] { -1, 0.5f, 2, -3, 4, -5, 6, 0.25f, 1, 1, -1, -1 };
        var batched = session.Run(input, 3)[0];
        Assert.Equal([3, 4], batched.Shape);
        for (var i = 0; i < 3; i++)
        {
            var single = session.Run(input.AsMemory(i * 4, 4), 1)[0];
            Assert.Equal(single.Values, batched.Item(i).ToArray());
        }
        Assert.Equal([0f, 1f, 4f, 0f], batched.Item(0).ToArray());
    }

    [Fact]
    public void Fixed_batch_model_refuses_a_batch_with_a_clear_error()
    {
        using var engine = new InferenceEngine(new EngineOptions(1));
        var session = engine.Open(Model(1));
        Assert.False(session.SupportsBatch);
        var error = Assert.Throws<InferenceException>(() => session.Run(new float[8], 2));
        Assert.Contains("fixed batch axis", error.Message);
    }

    [Fact]
    public void Input_shorter_than_the_batch_needs_is_refused()
    {
        using var engine = new InferenceEngine(new EngineOptions(1));
        var session = engine.Open(Model(null));
        Assert.Throws<ArgumentException>(() => session.Run(new float[7], 2));
    }

    [Fact]
    public void Cuda_request_without_a_cuda_provider_falls_back_to_cpu_with_one_warning()
    {
        var warnings = new List<string>();
        using var engine = new InferenceEngine(new EngineOptions(1, ExecutionDevice.Cuda), warnings.Add);
        var first = engine.Open(Model(null));
        var second = engine.Open(Model(1));
        if (first.Device == ExecutionDevice.Cuda)
            return; // a machine with the GPU package and a driver really runs CUDA
        Assert.Equal(ExecutionDevice.Cpu, second.Device);
        Assert.Single(warnings);
        Assert.Contains("CUDA", warnings[0]);
        Assert.Equal([0f, 2f], first.Run(new float[] { -1, 1, 0, 0 }, 1)[0].Values.Take(2));
    }

    [Fact]
    public void A_file_that_is_not_a_model_gives_an_inference_error_naming_it()
    {
        using var engine = new InferenceEngine(new EngineOptions(1));
        var path = Path.Combine(_dir, "garbage.onnx");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        var error = Assert.Throws<InferenceException>(() => engine.Open(path));
        Assert.Contains("garbage.onnx", error.Message);
        Assert.Throws<InferenceException>(() => engine.Open(Path.Combine(_dir, "missing.onnx")));
    }

    [Fact]
    public void Thread_count_defaults_to_all_cores()
    {
        Assert.Equal(Environment.ProcessorCount, new EngineOptions().EffectiveThreads);
        Assert.Equal(3, new EngineOptions(3).EffectiveThreads);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
