#:project ../src/Sightline.Library/Sightline.Library.csproj
#:property PublishAot=false

// Measures the photo library's per-file costs: SHA-256 throughput, and thumbnail writing (decode at preview size,
// then the preview and grid encodes) per 12 MP photo and per coco128 photo.
// Run: dotnet run -c Release bench/library-files.cs -- ../shared/data
using System.Diagnostics;
using Sightline.Imaging;
using Sightline.Library;
using Sightline.Library.Scanning;
using Sightline.Library.Thumbnails;
using SkiaSharp;

string data = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "data");
string work = Path.Combine(Path.GetTempPath(), "sightline-bench-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(work);
try
{
    var buffer = new byte[256 << 20];
    new Random(1).NextBytes(buffer);
    ContentHash.Of(buffer.AsSpan(0, 1 << 20));
    var clock = Stopwatch.StartNew();
    const int rounds = 4;
    for (int i = 0; i < rounds; i++)
        ContentHash.Of(buffer);
    Console.WriteLine($"SHA-256 in memory: {rounds * 256.0 / clock.Elapsed.TotalSeconds:F0} MB/s");
    string file = Path.Combine(work, "big.bin");
    File.WriteAllBytes(file, buffer);
    await ContentHash.OfFileAsync(file);
    clock.Restart();
    await ContentHash.OfFileAsync(file);
    Console.WriteLine($"SHA-256 of a cached 256 MiB file: {256.0 / clock.Elapsed.TotalSeconds:F0} MB/s");

    var settings = LibrarySettings.Default;
    var size = DecodeSize.Within(settings.PreviewThumbnail, settings.PreviewThumbnail);
    void Measure(string label, IReadOnlyList<string> photos, int repeat)
    {
        double decode = 0, write = 0;
        int n = 0;
        for (int r = 0; r < repeat; r++)
            foreach (string photo in photos)
            {
                byte[] bytes = File.ReadAllBytes(photo);
                var store = new ThumbnailStore(Path.Combine(work, $"lib-{label}-{r}"), settings);
                string hash = ContentHash.Of(bytes);
                var t = Stopwatch.StartNew();
                using DecodedImage image = ImageDecoder.Decode(bytes, photo, size);
                decode += t.Elapsed.TotalMilliseconds;
                t.Restart();
                store.Write(hash, image);
                write += t.Elapsed.TotalMilliseconds;
                n++;
            }
        Console.WriteLine($"{label}: {n} photos, decode at preview size {decode / n:F1} ms, two thumbnail encodes {write / n:F1} ms, total {(decode + write) / n:F1} ms per photo");
    }

    string[] twelve = [Path.Combine(data, "photo-collection", "immich", "albums", "text", "book-beside-flowers.jpg")];
    Measure("12 MP JPEG (4032x3024, book-beside-flowers.jpg)", twelve, 1); // warm-up
    Measure("12 MP JPEG (4032x3024, book-beside-flowers.jpg)", twelve, 5);
    Measure("12 MP HEIC (4032x3024, IMG_2682.heic)", [Path.Combine(data, "photo-collection", "immich", "formats", "heic", "IMG_2682.heic")], 3);
    Measure("coco128", Directory.GetFiles(Path.Combine(data, "coco128-train", "images")).Order(StringComparer.Ordinal).ToList(), 1);

    // JPEG against WebP for the same pixels: the format choice.
    using DecodedImage sample = ImageDecoder.Decode(twelve[0], size);
    foreach ((string name, SKEncodedImageFormat format, int quality) in new[] { ("JPEG q85", SKEncodedImageFormat.Jpeg, 85), ("WebP q85", SKEncodedImageFormat.Webp, 85) })
    {
        sample.Bitmap.Encode(format, quality).Dispose();
        var t = Stopwatch.StartNew();
        long bytes = 0;
        for (int i = 0; i < 5; i++)
        {
            using SKData encoded = sample.Bitmap.Encode(format, quality);
            bytes = encoded.Size;
        }
        Console.WriteLine($"{name} encode of the {sample.Width}x{sample.Height} preview: {t.Elapsed.TotalMilliseconds / 5:F1} ms, {bytes / 1024} KiB");
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}
