using System.Collections.Concurrent;

namespace Sightline.Library.Ingestion;

/// <summary>
/// Collects what the file system reports under the source folders: each changed path with the time of its last
/// event, so that a path is ingested once it has been quiet for the debounce time (a photo being copied reports
/// many writes); and whether a full rescan is due because the watcher lost events (its buffer overflowed).
/// </summary>
public sealed class ChangeQueue(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _changed = new(StringComparer.Ordinal);
    private int _rescan;

    public void Changed(string path) => _changed[path] = _time.GetUtcNow();

    /// <summary>Events were lost: only a full rescan can tell what changed.</summary>
    public void Overflowed() => Interlocked.Exchange(ref _rescan, 1);

    public bool TakeRescan() => Interlocked.Exchange(ref _rescan, 0) == 1;

    public int Count => _changed.Count;

    /// <summary>The paths quiet for at least <paramref name="debounce"/>, removed from the queue.</summary>
    public IReadOnlyList<string> TakeQuiet(TimeSpan debounce)
    {
        var now = _time.GetUtcNow();
        var quiet = new List<string>();
        foreach (var (path, at) in _changed)
            if (now - at >= debounce && _changed.TryRemove(new KeyValuePair<string, DateTimeOffset>(path, at)))
                quiet.Add(path);
        quiet.Sort(StringComparer.Ordinal);
        return quiet;
    }

    public void Clear() => _changed.Clear();
}

/// <summary>A file-system watcher per source folder (subfolders too) feeding a <see cref="ChangeQueue"/>.</summary>
internal sealed class FolderWatchers : IDisposable
{
    private readonly List<FileSystemWatcher> _watchers = [];

    public FolderWatchers(IEnumerable<string> folders, ChangeQueue queue)
    {
        foreach (var folder in folders)
        {
            var watcher = new FileSystemWatcher(folder)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
                InternalBufferSize = 64 * 1024,
            };
            _watchers.Add(watcher);
            watcher.Created += (_, e) => queue.Changed(e.FullPath);
            watcher.Changed += (_, e) => queue.Changed(e.FullPath);
            watcher.Deleted += (_, e) => queue.Changed(e.FullPath);
            watcher.Renamed += (_, e) =>
            {
                queue.Changed(e.OldFullPath);
                queue.Changed(e.FullPath);
            };
            watcher.Error += (_, _) => queue.Overflowed();
            try
            {
                watcher.EnableRaisingEvents = true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                // Linux refuses more inotify watches than fs.inotify.max_user_watches allows; say so instead of failing obscurely.
                Dispose();
                throw new LibraryInputException($"cannot watch {folder}: {e.Message} (on Linux, raise fs.inotify.max_user_watches; 'sightline library scan' works without watching)");
            }
        }
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers)
            watcher.Dispose();
    }
}
