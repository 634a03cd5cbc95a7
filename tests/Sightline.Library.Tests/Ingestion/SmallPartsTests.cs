using Sightline.Library.Ingestion;

namespace Sightline.Library.Tests.Ingestion;

public class IngestMeterTests
{
    [Fact]
    public void Rate_and_time_left_come_from_what_is_done()
    {
        var progress = IngestMeter.Compute("analysing", 10, 30, 1, TimeSpan.FromSeconds(5));
        Assert.Equal(2, progress.PhotosPerSecond, 3);
        Assert.Equal(TimeSpan.FromSeconds(10), progress.Eta);
        Assert.Equal(1, progress.Failed);
    }

    [Fact]
    public void Before_the_first_file_there_is_no_rate_and_no_time_left()
    {
        var progress = IngestMeter.Compute("analysing", 0, 30, 0, TimeSpan.FromSeconds(5));
        Assert.Equal(0, progress.PhotosPerSecond);
        Assert.Null(progress.Eta);
    }

    [Fact]
    public void The_meter_counts_failures_and_reports_each_file()
    {
        var reports = new List<IngestProgress>();
        var meter = new IngestMeter(new InlineProgress(reports.Add));
        meter.Start("analysing", 3);
        meter.Done(failed: false);
        meter.Done(failed: true);
        Assert.Equal(3, reports.Count);
        Assert.Equal((2, 3, 1), (reports[^1].Done, reports[^1].Total, reports[^1].Failed));
    }

    private sealed class InlineProgress(Action<IngestProgress> report) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value) => report(value);
    }
}

public class ChangeQueueTests
{
    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void A_path_is_taken_once_it_has_been_quiet_for_the_debounce()
    {
        var time = new ManualTime();
        var queue = new ChangeQueue(time);
        queue.Changed("/p/a.jpg");
        time.Now += TimeSpan.FromSeconds(1);
        queue.Changed("/p/a.jpg"); // still being written
        queue.Changed("/p/b.jpg");
        time.Now += TimeSpan.FromSeconds(1.5);
        Assert.Empty(queue.TakeQuiet(TimeSpan.FromSeconds(2)));
        time.Now += TimeSpan.FromSeconds(0.5);
        Assert.Equal(["/p/a.jpg", "/p/b.jpg"], queue.TakeQuiet(TimeSpan.FromSeconds(2)));
        Assert.Empty(queue.TakeQuiet(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void An_overflow_asks_for_one_full_rescan()
    {
        var queue = new ChangeQueue();
        Assert.False(queue.TakeRescan());
        queue.Overflowed();
        queue.Overflowed();
        Assert.True(queue.TakeRescan());
        Assert.False(queue.TakeRescan());
    }
}

public class StorageFaultsTests
{
    [Fact]
    public void A_full_disk_is_recognised_by_errno_message_or_wrapped()
    {
        Assert.True(StorageFaults.IsDiskFull(new IOException("boom", 28)));
        Assert.True(StorageFaults.IsDiskFull(new IOException("No space left on device : '/x'")));
        Assert.True(StorageFaults.IsDiskFull(new InvalidOperationException("outer", new IOException("No space left on device"))));
        Assert.True(StorageFaults.IsDiskFull(new LibraryStoreException("the database /l/library.db is full")));
        Assert.False(StorageFaults.IsDiskFull(new IOException("Permission denied", 13)));
        Assert.False(StorageFaults.IsDiskFull(new FileNotFoundException("gone")));
    }

    [Fact]
    public void The_message_names_the_library_and_what_to_do()
    {
        var e = StorageFaults.DiskFull("/libs/family", new IOException("No space left on device"));
        Assert.StartsWith("the disk holding /libs/family is full", e.Message);
        Assert.Contains("sightline library scan /libs/family", e.Message);
    }
}

public class InputErrorReasonTests
{
    [Fact]
    public void The_reason_leaves_out_the_path_so_that_equal_failures_count_together()
    {
        var a = IngestEngine.Reason(new Sightline.Vision.Pipeline.InputError("corrupt_image", "cannot read image '/p/a.jpg': not a valid JPEG"));
        var b = IngestEngine.Reason(new Sightline.Vision.Pipeline.InputError("corrupt_image", "cannot read image '/q/b it's.jpg': not a valid JPEG"));
        Assert.Equal("not a valid JPEG (corrupt_image)", a);
        Assert.Equal(a, b);
        Assert.Equal("odd (unreadable_image)", IngestEngine.Reason(new Sightline.Vision.Pipeline.InputError("unreadable_image", "odd")));
    }
}

public class WatchedPathTests
{
    [Theory]
    [InlineData("/photos/.hidden/a.jpg", true)]
    [InlineData("/photos/trip/.thumbs/a.jpg", true)]
    [InlineData("/photos/.hidden", false)]
    [InlineData("/photos/trip/a.jpg", false)]
    [InlineData("/photos/.a.jpg", false)]
    public void A_changed_path_inside_a_hidden_folder_is_left_to_the_full_scan(string path, bool inHidden)
    {
        Assert.Equal(inHidden, IngestEngine.InHiddenFolder(path, "/photos"));
    }
}

public class AnalysisFailureTests
{
    [Fact]
    public void A_failure_of_one_photo_is_recorded_but_the_disk_the_database_and_the_models_stop_the_scan()
    {
        Assert.True(IngestEngine.IsOfThisPhoto(new InvalidOperationException("odd image")));
        Assert.True(IngestEngine.IsOfThisPhoto(new ArgumentOutOfRangeException("width")));
        Assert.False(IngestEngine.IsOfThisPhoto(new IOException("No space left on device")));
        Assert.False(IngestEngine.IsOfThisPhoto(new LibraryStoreException("library database x: locked")));
        Assert.False(IngestEngine.IsOfThisPhoto(new Sightline.Inference.Sessions.InferenceException("model run failed")));
        Assert.False(IngestEngine.IsOfThisPhoto(new OperationCanceledException()));
        Assert.False(IngestEngine.IsOfThisPhoto(new InvalidOperationException("wrapped", new IOException("No space left on device"))));
    }
}
