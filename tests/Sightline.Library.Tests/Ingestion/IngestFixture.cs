using Sightline.Inference.Sessions;
using Sightline.Library.Tests.Storage;
using Sightline.Models.Cache;
using Sightline.Tests.Shared;
using Sightline.Vision.Pipeline;

namespace Sightline.Library.Tests.Ingestion;

/// <summary>
/// What the ingestion tests share: real models from the model cache on an engine made for concurrent runs (as the
/// scan command makes it), and the PostgreSQL server of the storage tests, started on first use.
/// </summary>
public sealed class IngestFixture : IAsyncLifetime
{
    private readonly InferenceEngine _engine = new(new EngineOptions().ForConcurrentRuns());
    private PostgresServer? _postgres;

    public TaskContext Context { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Context = TaskContext.Create(new ModelStore(), _engine);
        return Task.CompletedTask;
    }

    /// <summary>The database spec of a new library on <paramref name="backend"/> ("sqlite" or "postgres").</summary>
    public async Task<string?> DatabaseAsync(string backend)
    {
        if (backend == "sqlite")
            return null;
        if (_postgres is null)
        {
            var server = new PostgresServer();
            await server.InitializeAsync();
            _postgres = server;
        }
        return await _postgres.CreateDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        await Context.DisposeAsync();
        _engine.Dispose();
        if (_postgres is not null)
            await _postgres.DisposeAsync();
    }

    public static string Sanity(string name) => Path.Combine(TestPaths.Data("sanity"), name);
}

[CollectionDefinition(Name)]
public sealed class IngestCollection : ICollectionFixture<IngestFixture>
{
    public const string Name = "ingestion with real models";
}
