using Sightline.Library.Ingestion;
using Sightline.Library.Metadata;

namespace Sightline.Library.Tests.Ingestion;

public class BatchCommitterTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static FileEntry Entry(string path, string? hash, FileKind kind = FileKind.Photo, string? reason = null) => new(path, 1, kind, 10, At, hash, reason, At);

    private static UpdateItem Update(string hash, string path) => new(new PhotoUpdate(hash, MediaKind.Photo, "jpeg", 10, 4, 3, PhotoMetadata.Empty, Entry(path, hash), []));

    // A long interval, so that only the batch size and the end make batches: the test does not depend on timing.
    private static BatchCommitter Committer(RecordingStore store, int batch = 16) => new(store, new StageClock(), _ => { }, batch, TimeSpan.FromHours(1));

    [Fact]
    public async Task Items_are_written_in_batches_of_the_batch_size_and_the_rest_at_the_end()
    {
        var store = new RecordingStore();
        var committer = Committer(store, batch: 4);
        for (var i = 0; i < 10; i++)
            committer.Add(Update($"h{i}", $"/p/{i}.jpg"));
        await committer.CompleteAsync();
        Assert.Equal([4, 4, 2], store.Commits.Select(c => c.Count));
        Assert.Equal(10, store.Commits.SelectMany(c => c).Select(u => u.ContentHash).Distinct().Count());
    }

    [Fact]
    public async Task A_path_linked_to_content_in_flight_is_written_after_that_content()
    {
        var store = new RecordingStore();
        var committer = Committer(store);
        committer.Add(new LinkItem(Entry("/p/copy.jpg", "h1"), HashStored: false));
        committer.Add(Update("h1", "/p/original.jpg"));
        await committer.CompleteAsync();
        Assert.Equal(["commit h1", "file /p/copy.jpg Photo"], store.Order);
    }

    [Fact]
    public async Task A_path_linked_to_stored_content_is_written_at_once()
    {
        var store = new RecordingStore();
        var committer = Committer(store);
        committer.Add(new LinkItem(Entry("/p/moved.jpg", "h9"), HashStored: true));
        await committer.CompleteAsync();
        Assert.Equal(["file /p/moved.jpg Photo"], store.Order);
        Assert.Empty(store.Commits);
    }

    [Fact]
    public async Task When_content_fails_its_waiting_duplicates_fail_with_the_same_reason()
    {
        var store = new RecordingStore();
        var committer = Committer(store);
        committer.Add(new LinkItem(Entry("/p/copy-before.jpg", "bad"), HashStored: false));
        committer.Add(new FailureItem(Entry("/p/broken.jpg", null, FileKind.Failed, "truncated (truncated_image)"), "bad"));
        committer.Add(new LinkItem(Entry("/p/copy-after.jpg", "bad"), HashStored: false));
        await committer.CompleteAsync();
        var saved = store.FileSaves.SelectMany(f => f).ToList();
        Assert.Equal(3, saved.Count);
        Assert.All(saved, f => Assert.Equal(FileKind.Failed, f.Kind));
        Assert.All(saved, f => Assert.Equal("truncated (truncated_image)", f.Reason));
        Assert.All(saved, f => Assert.Null(f.ContentHash));
    }

    [Fact]
    public async Task A_link_whose_content_never_arrives_is_not_written()
    {
        var store = new RecordingStore();
        var committer = Committer(store);
        committer.Add(new LinkItem(Entry("/p/copy.jpg", "never"), HashStored: false));
        await committer.CompleteAsync();
        Assert.Empty(store.Order);
    }

    [Fact]
    public async Task A_failed_write_ends_the_committer_with_its_error_and_is_reported()
    {
        var store = new RecordingStore { FailCommitsWith = new IOException("No space left on device") };
        Exception? reported = null;
        var committer = new BatchCommitter(store, new StageClock(), e => reported = e, 16, TimeSpan.FromHours(1));
        committer.Add(Update("h1", "/p/1.jpg"));
        var e = await Assert.ThrowsAsync<IOException>(committer.CompleteAsync);
        Assert.Same(e, reported);
        Assert.True(StorageFaults.IsDiskFull(e));
    }
}
