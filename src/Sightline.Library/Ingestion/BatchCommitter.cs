using System.Diagnostics;
using System.Threading.Channels;
using Sightline.Library.Storage;

namespace Sightline.Library.Ingestion;

/// <summary>What a file in flight hands to the committer.</summary>
internal abstract record IngestItem;

/// <summary>A new or re-analysed media item (with its path, when it came from a file of the scan).</summary>
internal sealed record UpdateItem(PhotoUpdate Update) : IngestItem;

/// <summary>A path of content that is stored (<paramref name="HashStored"/>) or being analysed by another file of this scan.</summary>
internal sealed record LinkItem(FileEntry File, bool HashStored) : IngestItem;

/// <summary>A file that could not be ingested; when <paramref name="Hash"/> is set, its content failed, and so do the paths waiting to be linked to it.</summary>
internal sealed record FailureItem(FileEntry File, string? Hash) : IngestItem;

/// <summary>
/// Writes what the files in flight produce, in batches of at most <see cref="BatchSize"/> items or every
/// <see cref="Interval"/>, one transaction per batch (and one more for the paths linked to it): a process killed at
/// any moment loses at most the batch it was writing, and the next scan reads those files again because they were
/// not recorded. A path linked to content another file of the scan is analysing waits until that content is written.
/// </summary>
internal sealed class BatchCommitter
{
    private readonly ILibraryStore _store;
    private readonly StageClock _clock;
    private readonly Channel<IngestItem> _items = Channel.CreateUnbounded<IngestItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<PhotoUpdate> _updates = [];
    private readonly List<FileEntry> _files = [];
    private readonly Dictionary<string, List<FileEntry>> _waiting = new(StringComparer.Ordinal);
    private readonly HashSet<string> _committed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _failedContent = new(StringComparer.Ordinal);
    private readonly Action<Exception> _onFailure;
    private readonly Task _loop;

    public BatchCommitter(ILibraryStore store, StageClock clock, Action<Exception> onFailure, int batchSize = 16, TimeSpan? interval = null)
    {
        _store = store;
        _clock = clock;
        _onFailure = onFailure;
        BatchSize = batchSize;
        Interval = interval ?? TimeSpan.FromSeconds(2);
        _loop = Task.Run(LoopAsync);
    }

    public int BatchSize { get; }

    public TimeSpan Interval { get; }

    /// <summary>Transactions written so far.</summary>
    public int Batches { get; private set; }

    public void Add(IngestItem item) => _items.Writer.TryWrite(item);

    /// <summary>Writes what is left and ends; throws what a write threw.</summary>
    public Task CompleteAsync()
    {
        _items.Writer.TryComplete();
        return _loop;
    }

    private async Task LoopAsync()
    {
        try
        {
            var reader = _items.Reader;
            var firstPendingAt = Stopwatch.GetTimestamp();
            var waitForItem = reader.WaitToReadAsync().AsTask();
            while (true)
            {
                if (Pending > 0)
                {
                    var remaining = Interval - Stopwatch.GetElapsedTime(firstPendingAt);
                    if (remaining <= TimeSpan.Zero || await Task.WhenAny(waitForItem, Task.Delay(remaining)).ConfigureAwait(false) != waitForItem)
                    {
                        await FlushAsync().ConfigureAwait(false);
                        continue;
                    }
                }
                if (!await waitForItem.ConfigureAwait(false))
                    break;
                while (reader.TryRead(out var item))
                {
                    if (Pending == 0)
                        firstPendingAt = Stopwatch.GetTimestamp();
                    Accept(item);
                    if (Pending >= BatchSize)
                        await FlushAsync().ConfigureAwait(false);
                }
                waitForItem = reader.WaitToReadAsync().AsTask();
            }
            await FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _items.Writer.TryComplete();
            _onFailure(e);
            throw;
        }
    }

    private int Pending => _updates.Count + _files.Count;

    private void Accept(IngestItem item)
    {
        switch (item)
        {
            case UpdateItem update:
                _updates.Add(update.Update);
                break;
            case LinkItem link when link.HashStored || _committed.Contains(link.File.ContentHash!):
                _files.Add(link.File);
                break;
            case LinkItem link when _failedContent.TryGetValue(link.File.ContentHash!, out var reason):
                _files.Add(AsFailed(link.File, reason));
                break;
            case LinkItem link:
                if (!_waiting.TryGetValue(link.File.ContentHash!, out var list))
                    _waiting[link.File.ContentHash!] = list = [];
                list.Add(link.File);
                break;
            case FailureItem failure:
                _files.Add(failure.File);
                if (failure.Hash is { } hash)
                {
                    _failedContent[hash] = failure.File.Reason;
                    if (_waiting.Remove(hash, out var waiting))
                        _files.AddRange(waiting.Select(w => AsFailed(w, failure.File.Reason)));
                }
                break;
        }
    }

    private static FileEntry AsFailed(FileEntry entry, string? reason) => entry with { Kind = FileKind.Failed, ContentHash = null, Reason = reason };

    private async Task FlushAsync()
    {
        if (Pending == 0)
            return;
        var start = Stopwatch.GetTimestamp();
        if (_updates.Count > 0)
        {
            await _store.CommitAsync(_updates.ToList(), CancellationToken.None).ConfigureAwait(false);
            Batches++;
            foreach (var update in _updates)
            {
                _committed.Add(update.ContentHash);
                if (_waiting.Remove(update.ContentHash, out var linked))
                    _files.AddRange(linked);
            }
            _updates.Clear();
        }
        if (_files.Count > 0)
        {
            await _store.SaveFilesAsync(_files.ToList(), CancellationToken.None).ConfigureAwait(false);
            Batches++;
            _files.Clear();
        }
        _clock.AddSince(StageClock.Commit, start);
    }
}
