using Sightline.Library.Ingestion;
using Sightline.Library.Scanning;

namespace Sightline.Library.Tests.Ingestion;

public class ScanPlannerTests
{
    private static readonly DateTimeOffset Then = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Then.AddDays(1);

    private static ScannedFile Disk(string path, FileKind kind = FileKind.Photo, long size = 100, DateTimeOffset? at = null, string? reason = null) =>
        new(path, kind, size, at ?? Then, kind is FileKind.Photo or FileKind.Video ? "jpeg" : null, reason);

    private static FileEntry Stored(string path, FileKind kind = FileKind.Photo, long size = 100, DateTimeOffset? at = null, string? hash = "h", string? reason = null) =>
        new(path, 1, kind, size, at ?? Then, kind is FileKind.Photo or FileKind.Video ? hash : null, reason, Then);

    [Fact]
    public void An_unchanged_photo_is_neither_read_nor_written()
    {
        var plan = ScanPlanner.Plan(1, [Disk("/p/a.jpg")], [Stored("/p/a.jpg")], Now);
        Assert.Empty(plan.ToRead);
        Assert.Empty(plan.Records);
        Assert.Empty(plan.Gone);
        Assert.Equal(1, plan.UnchangedMedia);
    }

    [Fact]
    public void A_time_that_lost_its_ticks_in_the_database_is_still_the_same_time()
    {
        var plan = ScanPlanner.Plan(1, [Disk("/p/a.jpg", at: Then.AddTicks(7))], [Stored("/p/a.jpg")], Now);
        Assert.Equal(1, plan.UnchangedMedia);
    }

    [Theory]
    [InlineData(101, 0)]
    [InlineData(100, 5)]
    public void A_photo_of_another_size_or_time_is_read_again_as_changed(long size, int secondsLater)
    {
        var plan = ScanPlanner.Plan(1, [Disk("/p/a.jpg", size: size, at: Then.AddSeconds(secondsLater))], [Stored("/p/a.jpg")], Now);
        var read = Assert.Single(plan.ToRead);
        Assert.Equal(ReadReason.Changed, read.Reason);
        Assert.Equal(0, plan.UnchangedMedia);
    }

    [Fact]
    public void A_new_path_is_read_as_new_and_a_missing_one_is_gone()
    {
        var plan = ScanPlanner.Plan(7, [Disk("/p/new.jpg")], [Stored("/p/old.jpg")], Now);
        var read = Assert.Single(plan.ToRead);
        Assert.Equal(ReadReason.New, read.Reason);
        Assert.Equal(7, read.FolderId);
        Assert.Equal(["/p/old.jpg"], plan.Gone);
    }

    [Fact]
    public void A_failed_file_is_not_retried_until_it_changes()
    {
        var failed = Stored("/p/bad.jpg", FileKind.Failed, hash: null, reason: "corrupt");
        var same = ScanPlanner.Plan(1, [Disk("/p/bad.jpg")], [failed], Now);
        Assert.Empty(same.ToRead);
        Assert.Equal(1, same.FailedUnchanged);

        var changed = ScanPlanner.Plan(1, [Disk("/p/bad.jpg", size: 120)], [failed], Now);
        Assert.Equal(ReadReason.Changed, Assert.Single(changed.ToRead).Reason);
        Assert.Equal(0, changed.FailedUnchanged);
    }

    [Fact]
    public void Sidecars_and_ignored_files_are_recorded_once_with_their_reason()
    {
        var scanned = new[] { Disk("/p/a.xmp", FileKind.Sidecar), Disk("/p/notes.txt", FileKind.Ignored, reason: "not an image or video (text)") };
        var first = ScanPlanner.Plan(1, scanned, [], Now);
        Assert.Equal(2, first.Records.Count);
        Assert.Equal("not an image or video (text)", first.Records.Single(r => r.Kind == FileKind.Ignored).Reason);
        Assert.Equal(Now, first.Records[0].SeenAt);
        Assert.Equal(1, first.NewSidecars);
        Assert.Equal(1, first.NewIgnored);

        var second = ScanPlanner.Plan(1, scanned, first.Records, Now);
        Assert.Empty(second.Records);
        Assert.Equal(1, second.UnchangedSidecars);
        Assert.Equal(1, second.UnchangedIgnored);
    }

    [Fact]
    public void An_ignored_file_whose_reason_changed_is_recorded_again()
    {
        var plan = ScanPlanner.Plan(1, [Disk("/p/x", FileKind.Ignored, reason: "empty file")], [Stored("/p/x", FileKind.Ignored, reason: "hidden file")], Now);
        Assert.Equal("empty file", Assert.Single(plan.Records).Reason);
    }

    [Fact]
    public void A_stored_photo_path_without_a_hash_is_read_again()
    {
        var plan = ScanPlanner.Plan(1, [Disk("/p/a.jpg")], [Stored("/p/a.jpg", hash: null)], Now);
        Assert.Single(plan.ToRead);
    }

    [Fact]
    public void Every_file_of_the_disk_lands_in_exactly_one_bucket()
    {
        var scanned = new[]
        {
            Disk("/p/same.jpg"), Disk("/p/new.jpg"), Disk("/p/changed.jpg", size: 1), Disk("/p/bad.jpg"),
            Disk("/p/s.xmp", FileKind.Sidecar), Disk("/p/j.txt", FileKind.Ignored, reason: "text"), Disk("/p/locked", FileKind.Failed, reason: "permission denied"),
        };
        var stored = new[] { Stored("/p/same.jpg"), Stored("/p/changed.jpg"), Stored("/p/bad.jpg", FileKind.Failed, hash: null, reason: "corrupt"), Stored("/p/gone.jpg") };
        var plan = ScanPlanner.Plan(1, scanned, stored, Now);
        Assert.Equal(scanned.Length, plan.UnchangedMedia + plan.UnchangedSidecars + plan.UnchangedIgnored + plan.FailedUnchanged + plan.Records.Count + plan.ToRead.Count);
        Assert.Equal(["/p/gone.jpg"], plan.Gone);
        Assert.Equal(1, plan.NewFailed);
    }
}
