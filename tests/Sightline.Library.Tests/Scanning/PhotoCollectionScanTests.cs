using Sightline.Library.Scanning;
using Sightline.Tests.Shared;

namespace Sightline.Library.Tests.Scanning;

/// <summary>The messy photo folder users have, scanned whole: every file of its manifest in exactly one bucket, of the kind its bytes say.</summary>
public class PhotoCollectionScanTests
{
    private static string Root => TestPaths.Data("photo-collection");

    private static readonly HashSet<string> PhotoContents = ["jpeg", "png", "gif", "bmp", "webp", "tiff", "heic", "avif", "jxl"];

    /// <summary>(file, content type from magic bytes) of each row of manifest.csv.</summary>
    private static IReadOnlyList<(string File, string Content)> Manifest() =>
        File.ReadAllLines(Path.Combine(Root, "manifest.csv")).Skip(1).Select(line => line.Split(',')).Select(f => (f[0], f[2])).ToList();

    [Fact]
    public void EveryFileOfTheManifest_IsInOneBucket_OfTheKindItsBytesSay()
    {
        List<ScannedFile> files = FileScanner.Scan(Root).ToList();
        var byPath = files.ToDictionary(f => Path.GetRelativePath(Root, f.Path).Replace('\\', '/').TrimEnd('/'), StringComparer.Ordinal);
        Assert.Equal(files.Count, byPath.Count);

        var problems = new List<string>();
        foreach ((string file, string content) in Manifest())
        {
            if (file.StartsWith("photoprism-examples/.photoprism/", StringComparison.Ordinal))
            {
                if (byPath.ContainsKey(file))
                    problems.Add($"{file}: inside the hidden folder, yet reported on its own");
                continue;
            }

            if (!byPath.TryGetValue(file, out ScannedFile? scanned))
            {
                problems.Add($"{file}: not reported");
                continue;
            }

            bool ok = content switch
            {
                "tiff" => scanned is { Kind: FileKind.Photo, Format: "tiff" or "dng" or "raw" },
                "avi" => scanned is { Kind: FileKind.Video, Format: "avi" },
                _ when content.StartsWith("mp4/mov", StringComparison.Ordinal) => scanned is { Kind: FileKind.Video, Format: "mp4" or "mov" or "m4v" or "3gp" },
                _ when PhotoContents.Contains(content) => scanned.Kind == FileKind.Photo && scanned.Format == content,
                _ => scanned.Kind is FileKind.Sidecar or FileKind.Ignored && (scanned.Kind == FileKind.Sidecar || !string.IsNullOrEmpty(scanned.Reason)),
            };
            if (!ok)
                problems.Add($"{file}: manifest {content}, scanned {scanned.Kind} {scanned.Format} {scanned.Reason}");
        }

        Assert.Empty(problems);
        // The manifest and the notes beside the data are files of the folder too.
        Assert.Equal(Manifest().Count(m => !m.File.Contains("/.photoprism/", StringComparison.Ordinal)) + 1 + 3, files.Count);
    }

    [Fact]
    public void TheFolder_TellsItsEdgeCasesApart()
    {
        var byPath = FileScanner.Scan(Root).ToDictionary(f => Path.GetRelativePath(Root, f.Path).Replace('\\', '/').TrimEnd('/'), StringComparer.Ordinal);

        Assert.Equal((FileKind.Ignored, FileScanner.HiddenFolder), (byPath["photoprism-examples/.photoprism"].Kind, byPath["photoprism-examples/.photoprism"].Reason));
        Assert.Equal(FileScanner.HiddenFile, byPath["photoprism-examples/.ppignore"].Reason);
        Assert.Equal((FileKind.Photo, "jpeg"), (byPath["photoprism-examples/this-is-a-jpeg.png"].Kind, byPath["photoprism-examples/this-is-a-jpeg.png"].Format));
        Assert.Equal((FileKind.Photo, "jpeg"), (byPath["photoprism-examples/airport_grey"].Kind, byPath["photoprism-examples/airport_grey"].Format));
        Assert.Equal("dng", byPath["photoprism-examples/canon_eos_6d.dng"].Format);
        Assert.Equal("heic", byPath["photoprism-examples/iphone_7.heic"].Format);
        Assert.Equal("mov", byPath["photoprism-examples/earth.mov"].Format);
        Assert.Equal(FileKind.Sidecar, byPath["photoprism-examples/iphone_7.json"].Kind);
        Assert.Equal(FileKind.Sidecar, byPath["photoprism-examples/example.gif.json"].Kind);
        Assert.Equal(FileKind.Sidecar, byPath["photoprism-examples/blue-go-video.mp4.json"].Kind);
        Assert.Equal(FileKind.Sidecar, byPath["photoprism-examples/canon_eos_6d.xmp"].Kind);
        Assert.Equal(FileKind.Sidecar, byPath["photoprism-examples/IMG_4120.AAE"].Kind);
        // Its photo is not in the snapshot (too large): the JSON belongs to nothing here.
        Assert.Equal(FileKind.Ignored, byPath["photoprism-examples/samsung-motion-photo.json"].Kind);
        Assert.Equal("not an image or video (Office document)", byPath["photoprism-examples/Random.docx"].Reason);
        Assert.Equal("not an image or video (text)", byPath["photoprism-examples/test.txt"].Reason);
    }
}
