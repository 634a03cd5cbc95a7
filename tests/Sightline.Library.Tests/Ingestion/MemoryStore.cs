using Sightline.Library.Storage;

namespace Sightline.Library.Tests.Ingestion;

/// <summary>Records what the committer writes, in order; only the writing members are implemented. It can be told to fail a write.</summary>
internal sealed class RecordingStore : ILibraryStore
{
    public List<IReadOnlyList<PhotoUpdate>> Commits { get; } = [];

    public List<IReadOnlyList<FileEntry>> FileSaves { get; } = [];

    public List<string> Order { get; } = [];

    public Exception? FailCommitsWith { get; set; }

    public StoreKind Kind => StoreKind.Sqlite;

    public string Location => "memory";

    public Task CommitAsync(IReadOnlyList<PhotoUpdate> updates, CancellationToken cancellationToken = default)
    {
        if (FailCommitsWith is { } e)
            throw e;
        lock (Order)
        {
            Commits.Add(updates);
            Order.AddRange(updates.Select(u => "commit " + u.ContentHash));
        }
        return Task.CompletedTask;
    }

    public Task SaveFilesAsync(IReadOnlyList<FileEntry> files, CancellationToken cancellationToken = default)
    {
        lock (Order)
        {
            FileSaves.Add(files);
            Order.AddRange(files.Select(f => $"file {f.Path} {f.Kind}"));
        }
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public Task<long> MigrateAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<LibrarySettings?> GetSettingsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task SaveSettingsAsync(LibrarySettings settings, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<SourceFolder> AddFolderAsync(string path, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<SourceFolder>> GetFoldersAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task MarkScannedAsync(long folderId, DateTimeOffset at, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<FileEntry>> GetFilesAsync(long folderId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task RemoveFilesAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<PhotoRow?> FindByHashAsync(string contentHash, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<PhotoWork>> GetOutdatedAsync(IReadOnlyDictionary<string, string> wanted, int limit, long afterId = 0, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<PhotoPage> GetPhotosAsync(PhotoQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<PhotoDetail?> GetPhotoAsync(long id, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<string>> GetPathsAsync(long id, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<LibraryCounts> GetCountsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<FileEntry>> GetFailuresAsync(int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IntegrityReport> CheckIntegrityAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public IPeopleStore People => throw new NotSupportedException();
    public Sightline.Library.Search.ISearchStore Search => throw new NotSupportedException();

    public Sightline.Library.Accounts.IAccountStore Accounts => throw new NotSupportedException();
}
