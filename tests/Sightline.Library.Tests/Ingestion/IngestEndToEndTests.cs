using Sightline.Library.Ingestion;
using Sightline.Library.Scanning;
using Sightline.Tests.Shared;

namespace Sightline.Library.Tests.Ingestion;

/// <summary>A library made in a temporary folder from a few sanity photos, ingested with real models, over both storage backends.</summary>
[Collection(IngestCollection.Name)]
public sealed class IngestEndToEndTests(IngestFixture fixture) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-ingest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Photos => Path.Combine(_dir, "photos");

    private string Put(string name, string sanity)
    {
        var path = Path.Combine(Photos, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(IngestFixture.Sanity(sanity), path);
        return path;
    }

    private static LibrarySettings Settings(params string[] tasks) => LibrarySettings.Default with { Tasks = tasks };

    private async Task<PhotoLibrary> NewLibraryAsync(string backend, LibrarySettings settings)
    {
        var library = await PhotoLibrary.InitAsync(Path.Combine(_dir, "library"), await fixture.DatabaseAsync(backend), settings);
        await library.AddFoldersAsync([Photos]);
        return library;
    }

    private static async Task<PhotoDetail> DetailAsync(PhotoLibrary library, string path)
    {
        var row = await library.Store.FindByHashAsync(await ContentHash.OfFileAsync(path)) ?? throw new InvalidOperationException($"{path} is not stored");
        return (await library.Store.GetPhotoAsync(row.Id))!;
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Ingest_then_rescan_rename_duplicate_change_settings_and_fix_a_corrupt_photo(string backend)
    {
        Put("bus.jpg", "bus.jpg");
        Put("copies/bus again.jpg", "bus.jpg");
        Put("dog.jpg", "dog.jpg");
        Put("odd name ü #1 it's.png", "astronaut.png");
        var corrupt = Path.Combine(Photos, "broken.jpg");
        var header = File.ReadAllBytes(IngestFixture.Sanity("bus.jpg")).AsSpan(0, 20).ToArray();
        File.WriteAllBytes(corrupt, [.. header, .. Enumerable.Range(0, 4000).Select(i => (byte)(i * 7 % 251))]);
        File.WriteAllText(Path.Combine(Photos, "notes.txt"), "not a photo");

        await using var library = await NewLibraryAsync(backend, Settings("detect", "faces", "embed"));
        var first = await library.ScanAsync(fixture.Context);
        Assert.Equal(6, first.FilesSeen);
        Assert.Equal(3, first.NewPhotos);
        Assert.Equal(1, first.Linked); // the copy of bus.jpg, analysed once
        Assert.Equal((1, 1), (first.Failed, first.Ignored));
        Assert.Equal(9, first.AnalysesRun);
        var failure = Assert.Single(first.NewFailures);
        Assert.Equal(corrupt, failure.Path);
        Assert.Contains("_image)", failure.Reason);
        Assert.DoesNotContain(corrupt, failure.Reason); // the path is the entry's, not part of the reason
        foreach (var stage in new[] { StageClock.Scan, StageClock.ReadAndHash, StageClock.Metadata, StageClock.Decode, "detect", "faces", "embed", StageClock.Thumbnails, StageClock.Commit })
            Assert.True(first.StageSeconds.ContainsKey(stage), $"no seconds for stage {stage}");

        var counts = await library.Store.GetCountsAsync();
        Assert.Equal((3, 4, 1), (counts.Photos, counts.PhotoPaths, counts.DuplicatePaths));
        Assert.True(counts.Faces >= 2, $"faces of bus.jpg and the astronaut: {counts.Faces}");
        // The scan clustered the new faces: every detected face with a descriptor was new to clustering.
        Assert.NotNull(first.People);
        Assert.Equal(counts.Faces, first.People.NewFaces + first.People.TooPoor);
        var bus = await DetailAsync(library, Path.Combine(Photos, "bus.jpg"));
        Assert.Equal(2, bus.Paths.Count);
        Assert.Equal(["detect", "embed", "faces"], bus.Analyses.Select(a => a.Task).Order());
        Assert.Contains(bus.Faces, f => f.Origin == FaceOrigin.Detected && f.Descriptor is { Length: > 0 } && f.DescriptorModel is not null);
        Assert.True(bus.Photo.ThumbnailsWritten);
        Assert.True(library.Thumbnails.Exists(bus.Photo.ContentHash));
        Assert.Equal((810, 1080), (bus.Photo.Width, bus.Photo.Height));

        // A second scan of the unchanged folder reads nothing and writes nothing; the corrupt photo is not retried.
        var second = await library.ScanAsync(fixture.Context);
        Assert.Equal((0, 0, 0, 0, 0), (second.NewPhotos, second.Changed, second.Linked, second.Removed, second.AnalysesRun));
        Assert.Equal((4, 1), (second.Unchanged, second.Failed));
        Assert.Empty(second.NewFailures);
        Assert.Equal(0, second.People!.NewFaces);
        Assert.Equal(bus.Analyses, (await DetailAsync(library, Path.Combine(Photos, "bus.jpg"))).Analyses);

        // A renamed file keeps its photo and analyses; a removed duplicate path leaves the photo in place.
        var dogBefore = await DetailAsync(library, Path.Combine(Photos, "dog.jpg"));
        Directory.CreateDirectory(Path.Combine(Photos, "renamed"));
        File.Move(Path.Combine(Photos, "dog.jpg"), Path.Combine(Photos, "renamed", "dog now.jpg"));
        File.Delete(Path.Combine(Photos, "copies", "bus again.jpg"));
        var third = await library.ScanAsync(fixture.Context);
        Assert.Equal((1, 2, 0), (third.Linked, third.Removed, third.AnalysesRun));
        var dogAfter = await DetailAsync(library, Path.Combine(Photos, "renamed", "dog now.jpg"));
        Assert.Equal(dogBefore.Photo.Id, dogAfter.Photo.Id);
        Assert.Equal([Path.Combine(Photos, "renamed", "dog now.jpg")], dogAfter.Paths);
        Assert.Equal(dogBefore.Analyses, dogAfter.Analyses);
        Assert.Single((await DetailAsync(library, Path.Combine(Photos, "bus.jpg"))).Paths);

        // Changing one option re-runs that analysis only, on every photo, once.
        await library.SaveSettingsAsync(library.Settings with { Options = new Dictionary<string, string> { ["detect.minScore"] = "0.6" } });
        var status = await library.GetStatusAsync();
        Assert.Equal(3, status.OutdatedAnalyses);
        var fourth = await library.ScanAsync(fixture.Context);
        Assert.Equal(3, fourth.AnalysesRun);
        var busAfter = await DetailAsync(library, Path.Combine(Photos, "bus.jpg"));
        Assert.NotEqual(bus.Analyses.Single(a => a.Task == "detect").Version, busAfter.Analyses.Single(a => a.Task == "detect").Version);
        Assert.True(busAfter.Analyses.Single(a => a.Task == "detect").At > bus.Analyses.Single(a => a.Task == "detect").At);
        foreach (var task in new[] { "faces", "embed" })
            Assert.Equal(bus.Analyses.Single(a => a.Task == task), busAfter.Analyses.Single(a => a.Task == task));
        Assert.Equal(0, (await library.GetStatusAsync()).OutdatedAnalyses);
        Assert.Equal(0, (await library.ScanAsync(fixture.Context)).AnalysesRun);

        // The corrupt photo is read again once it changes.
        File.Copy(IngestFixture.Sanity("horses.jpg"), corrupt, overwrite: true);
        var fifth = await library.ScanAsync(fixture.Context);
        Assert.Equal((1, 0, 3), (fifth.Changed, fifth.Failed, fifth.AnalysesRun));
        Assert.Empty(await library.Store.GetFailuresAsync(10));

        var integrity = await library.Store.CheckIntegrityAsync();
        Assert.True(integrity.Ok, string.Join("; ", integrity.Problems));
    }

    [Fact]
    public async Task Broken_exif_and_odd_names_are_ingested_or_failed_with_a_reason()
    {
        var exif = TestPaths.Data("exif-samples");
        foreach (var (name, source) in new[]
        {
            ("corrupted exif.jpg", Path.Combine(exif, "ianare-exif-samples", "jpg", "corrupted.jpg")),
            ("no-app1.jpg", Path.Combine(exif, "ianare-exif-samples", "jpg", "invalid", "image01088.jpg")),
            ("名前 with spaces & 'quotes'.jpg", IngestFixture.Sanity("kite.jpg")),
            ("-starts-with-dash.jpg", IngestFixture.Sanity("eagle.jpg")),
        })
        {
            Directory.CreateDirectory(Photos);
            File.Copy(source, Path.Combine(Photos, name));
        }
        await using var library = await NewLibraryAsync("sqlite", Settings());
        var report = await library.ScanAsync(fixture.Context);
        Assert.Equal(4, report.FilesSeen);
        Assert.Equal(4, report.NewPhotos + report.Failed);
        Assert.All(report.NewFailures, f => Assert.False(string.IsNullOrWhiteSpace(f.Reason)));
        var odd = await DetailAsync(library, Path.Combine(Photos, "名前 with spaces & 'quotes'.jpg"));
        Assert.Equal([Path.Combine(Photos, "名前 with spaces & 'quotes'.jpg")], odd.Paths);
        Assert.True(library.Thumbnails.Exists(odd.Photo.ContentHash));
    }

    [Fact]
    public async Task A_file_deleted_or_changing_while_read_is_a_clear_failure_then_gone_or_read_again()
    {
        Put("a.jpg", "bus.jpg");
        var doomed = Put("b.jpg", "dog.jpg");
        var growing = Put("c.jpg", "horses.jpg");
        await using var library = await NewLibraryAsync("sqlite", Settings());
        library.BeforeRead = async path =>
        {
            if (path == doomed)
                File.Delete(doomed);
            if (path == growing)
            {
                await using var stream = new FileStream(growing, FileMode.Append);
                stream.Write(new byte[100]); // still being copied
            }
        };
        var report = await library.ScanAsync(fixture.Context);
        Assert.Equal((1, 2), (report.NewPhotos, report.Failed));
        Assert.Contains(report.NewFailures, f => f.Path == doomed && f.Reason == "disappeared before it was read");
        Assert.Contains(report.NewFailures, f => f.Path == growing && f.Reason!.Contains("changed while being read"));

        library.BeforeRead = null;
        var next = await library.ScanAsync(fixture.Context);
        Assert.Equal((1, 1, 1, 0), (next.Unchanged, next.Removed, next.Changed, next.Failed));
        var counts = await library.Store.GetCountsAsync();
        Assert.Equal((2, 2, 0), (counts.Photos, counts.PhotoPaths, counts.Failed));
    }

    [Fact]
    public async Task Cancelling_a_scan_commits_what_is_done_and_the_next_scan_finishes_the_rest()
    {
        var names = new[] { "bus.jpg", "dog.jpg", "horses.jpg", "kite.jpg", "giraffe.jpg", "eagle.jpg", "person.jpg", "scream.jpg" };
        foreach (var name in names)
            Put(name, name);
        await using var library = await NewLibraryAsync("sqlite", Settings());
        using var cancel = new CancellationTokenSource();
        library.BeforeRead = async path =>
        {
            // The other photos wait for the cancel, so that it lands mid-scan however fast or loaded the machine is.
            if (!path.EndsWith("bus.jpg", StringComparison.Ordinal) && !path.EndsWith("dog.jpg", StringComparison.Ordinal))
                await Task.Delay(Timeout.Infinite, cancel.Token);
        };
        var progress = new Progress(p =>
        {
            if (p.Stage == "analysing" && p.Done >= 2)
                cancel.Cancel();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => library.ScanAsync(fixture.Context, progress, cancel.Token));
        var kept = (await library.Store.GetCountsAsync()).Photos;
        Assert.Equal(2, kept);
        Assert.False(library.LastScan!.Running);
        Assert.Equal("cancelled", library.LastScan.Error);

        library.BeforeRead = null;
        var rest = await library.ScanAsync(fixture.Context);
        Assert.Equal(names.Length - kept, rest.NewPhotos);
        Assert.Equal(kept, rest.Unchanged);
        Assert.Equal(names.Length, (await library.Store.GetCountsAsync()).Photos);
    }

    private sealed class Progress(Action<IngestProgress> report) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value) => report(value);
    }

    [Fact]
    public async Task A_source_folder_that_went_missing_keeps_its_files_and_says_so()
    {
        Put("a.jpg", "bus.jpg");
        await using var library = await NewLibraryAsync("sqlite", Settings());
        Assert.Equal(1, (await library.ScanAsync(fixture.Context)).NewPhotos);
        Directory.Move(Photos, Photos + "-unmounted");
        var report = await library.ScanAsync(fixture.Context);
        Assert.Equal(0, report.Removed);
        Assert.Contains(report.NewFailures, f => f.Path == Photos && f.Reason!.Contains("missing"));
        Assert.Equal(1, (await library.Store.GetCountsAsync()).PhotoPaths);
    }

    [Fact]
    public async Task The_photo_collection_is_accounted_for_file_by_file()
    {
        var collection = TestPaths.Data("photo-collection");
        await using var library = await PhotoLibrary.InitAsync(Path.Combine(_dir, "library"), settings: Settings());
        await library.AddFoldersAsync([collection]);
        var report = await library.ScanAsync(fixture.Context);
        var onDisk = FilesAsTheScannerCountsThem(collection);
        Assert.Equal(onDisk, report.FilesSeen);
        Assert.Equal(report.FilesSeen, report.NewPhotos + report.NewVideos + report.Changed + report.Linked + report.Unchanged + report.Sidecars + report.Ignored + report.Failed);

        var status = await library.GetStatusAsync();
        var c = status.Counts;
        Assert.Equal(onDisk, c.PhotoPaths + c.VideoPaths + c.Sidecars + c.Ignored + c.Failed);
        Assert.Equal(c.PhotoPaths + c.VideoPaths, c.Photos + c.Videos + c.DuplicatePaths);
        Assert.True(c.DuplicatePaths >= 2, $"IMG_4120 has two copies under other names: {c.DuplicatePaths}");
        Assert.True(c.Videos >= 3, $"mp4, mov and avi: {c.Videos}");
        Assert.True(c.Sidecars >= 3, $"XMP, Takeout JSON and AAE: {c.Sidecars}");
        Assert.Contains(c.IgnoredByReason.Keys, r => r.Contains("hidden", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(c.Failed, c.FailedByReason.Values.Sum());
        Assert.Equal(c.Ignored, c.IgnoredByReason.Values.Sum());

        var again = await library.ScanAsync(fixture.Context);
        Assert.Equal((0, 0, 0), (again.NewPhotos, again.NewVideos, again.Linked));
        Assert.Equal(onDisk, again.FilesSeen);
        var integrity = await library.Store.CheckIntegrityAsync();
        Assert.True(integrity.Ok, string.Join("; ", integrity.Problems));
    }

    [Fact]
    public async Task Watching_ingests_a_photo_copied_in_and_forgets_one_deleted()
    {
        Put("first.jpg", "bus.jpg");
        await using var library = await NewLibraryAsync("sqlite", Settings());
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var added = new TaskCompletionSource();
        var removed = new TaskCompletionSource();
        var reports = 0;
        var watching = library.WatchAsync(fixture.Context, new WatchOptions(TimeSpan.FromMilliseconds(200), TimeSpan.FromHours(1)), report =>
        {
            if (Interlocked.Increment(ref reports) == 1)
            {
                // The first report is the initial scan: now change the folder.
                File.Copy(IngestFixture.Sanity("dog.jpg"), Path.Combine(Photos, "new.jpg"));
                return;
            }
            if (report.NewPhotos == 1)
            {
                added.TrySetResult();
                File.Delete(Path.Combine(Photos, "first.jpg"));
            }
            if (report.Removed == 1)
                removed.TrySetResult();
        }, cancellationToken: stop.Token);
        await Task.WhenAny(Task.WhenAll(added.Task, removed.Task), watching);
        Assert.True(added.Task.IsCompleted, "the copied photo was not ingested");
        Assert.True(removed.Task.IsCompleted, "the deleted photo's path was not removed");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching);
        var counts = await library.Store.GetCountsAsync();
        Assert.Equal((2, 1), (counts.Photos, counts.PhotoPaths));
    }

    /// <summary>Every file under <paramref name="folder"/>, a hidden folder counting once (the scanner reports it as one ignored entry and does not search it).</summary>
    private static int FilesAsTheScannerCountsThem(string folder)
    {
        var count = Directory.GetFiles(folder).Length;
        foreach (var sub in Directory.GetDirectories(folder))
            count += Path.GetFileName(sub).StartsWith('.') ? 1 : FilesAsTheScannerCountsThem(sub);
        return count;
    }
}
