using System.Diagnostics;
using Sightline.Imaging.Tests.Support;

namespace Sightline.Imaging.Tests;

public sealed class LimitsTests
{
    [Fact]
    public void DecompressionBomb_IsRefusedFromTheHeader_Quickly()
    {
        byte[] bomb = HandMade.PngDeclaring(60000, 60000);
        Assert.True(bomb.Length < 200);

        // Warm the native library up so the timing measures the check, not the first load.
        using (ImageDecoder.Decode(TestImages.QuadrantPng(8, 8), "warm.png"))
        {
        }

        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(bomb, "bomb.png"));
        clock.Stop();

        Assert.Equal(ImageErrorKind.TooManyPixels, error.Kind);
        Assert.Contains("60000x60000", error.Message);
        Assert.True(clock.ElapsedMilliseconds < 1000, $"took {clock.ElapsedMilliseconds} ms");

        using var dir = new TempDirectory();
        string path = dir.Write("bomb.png", bomb);
        Assert.Equal(ImageErrorKind.TooManyPixels, Assert.Throws<ImageLoadException>(() => ImageDecoder.ReadInfo(path)).Kind);
        Assert.Equal(ImageErrorKind.TooManyPixels, Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(path, DecodeSize.Cover(10, 10))).Kind);
    }

    [Fact]
    public void LoweredPixelLimit_RefusesAnOrdinaryImage()
    {
        var limits = new ImageLimits(MaxPixels: 1000);
        byte[] jpeg = TestImages.QuadrantJpeg(); // 80x60 = 4800 pixels

        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(jpeg, "small.jpg", limits: limits));
        Assert.Equal(ImageErrorKind.TooManyPixels, error.Kind);
        Assert.Equal(
            "cannot read image 'small.jpg': the image is too large (80x60 = 4,800 pixels; the limit is 1,000 pixels)",
            error.Message);

        using var dir = new TempDirectory();
        string path = dir.Write("small.jpg", jpeg);
        Assert.Equal(ImageErrorKind.TooManyPixels, Assert.Throws<ImageLoadException>(() => ImageDecoder.ReadInfo(path, limits)).Kind);

        // Exactly at the limit is fine.
        using DecodedImage ok = ImageDecoder.Decode(jpeg, "small.jpg", limits: new ImageLimits(MaxPixels: 4800));
        Assert.Equal(80, ok.Width);
    }

    [Fact]
    public void FileSizeLimit_AppliesToPathsSpansAndStreams()
    {
        byte[] png = TestImages.QuadrantPng();
        var limits = new ImageLimits(MaxFileBytes: png.Length - 1);
        using var dir = new TempDirectory();
        string path = dir.Write("q.png", png);

        Assert.Equal(ImageErrorKind.FileTooLarge, Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(path, limits: limits)).Kind);
        Assert.Equal(ImageErrorKind.FileTooLarge, Assert.Throws<ImageLoadException>(() => ImageDecoder.ReadInfo(path, limits)).Kind);
        Assert.Equal(ImageErrorKind.FileTooLarge, Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(png, "q.png", limits: limits)).Kind);
        Assert.Equal(ImageErrorKind.FileTooLarge, Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(new MemoryStream(png), "q.png", limits: limits)).Kind);
        Assert.Equal(ImageErrorKind.FileTooLarge, Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(new ForwardOnlyStream(png), "q.png", limits: limits)).Kind);

        // Exactly at the limit is fine, for every entry point.
        var exact = new ImageLimits(MaxFileBytes: png.Length);
        using (ImageDecoder.Decode(path, limits: exact))
        using (ImageDecoder.Decode(new ForwardOnlyStream(png), "q.png", limits: exact))
        using (ImageDecoder.Decode(new MemoryStream(png), "q.png", limits: exact))
        {
        }
    }

    [Fact]
    public void HugeFile_IsRefusedBeforeReading()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "huge.jpg");
        using (var file = File.Create(path))
        {
            file.Write([0xFF, 0xD8, 0xFF, 0xE0]);
            file.SetLength(ImageLimits.Default.MaxFileBytes + 1); // sparse: no data actually written
        }

        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(path));
        Assert.Equal(ImageErrorKind.FileTooLarge, Assert.Throws<ImageLoadException>(() => ImageDecoder.ReadInfo(path)).Kind);
        clock.Stop();

        Assert.Equal(ImageErrorKind.FileTooLarge, error.Kind);
        Assert.Contains("the limit is 50 MB", error.Message);
        Assert.True(clock.ElapsedMilliseconds < 1000, $"took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void EndlessStream_IsCutOffOneBytePastTheLimit()
    {
        var endless = new EndlessStream();
        var limits = new ImageLimits(MaxFileBytes: 100_000);

        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(endless, "pipe", limits: limits));

        Assert.Equal(ImageErrorKind.FileTooLarge, error.Kind);
        Assert.Equal("cannot read image 'pipe': the file is too large (more than the 97.7 KB limit)", error.Message);
        Assert.Equal(100_001, endless.BytesRead);
    }

    [Fact]
    public void SeekableStream_TooLong_IsRefusedWithoutReading()
    {
        var stream = new CountingMemoryStream(new byte[10_000]);
        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(stream, "big", limits: new ImageLimits(MaxFileBytes: 1000)));
        Assert.Equal(ImageErrorKind.FileTooLarge, error.Kind);
        Assert.Equal(0, stream.BytesRead);
    }

    [Fact]
    public void Stream_IsReadFromItsCurrentPosition()
    {
        byte[] png = TestImages.QuadrantPng();
        var stream = new MemoryStream([.. new byte[7], .. png]) { Position = 7 };
        using DecodedImage image = ImageDecoder.Decode(stream, "offset.png");
        Assert.Equal(ImageFormat.Png, image.Format);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    [InlineData(-5, 1)]
    public void NonPositiveLimits_AreArgumentErrors(long maxBytes, long maxPixels)
    {
        var limits = new ImageLimits(maxBytes, maxPixels);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageDecoder.Decode(TestImages.QuadrantPng(), "x", limits: limits));
    }

    [Fact]
    public void Defaults()
    {
        Assert.Equal(50L * 1024 * 1024, ImageLimits.Default.MaxFileBytes);
        Assert.Equal(100_000_000, ImageLimits.Default.MaxPixels);
        Assert.Equal(ImageLimits.Default, new ImageLimits());
    }

    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill(0xFF);
            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A stream that cannot seek, like a network body.</summary>
    internal sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private readonly MemoryStream inner = new(data);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 1000));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class CountingMemoryStream(byte[] data) : MemoryStream(data)
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = base.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }

        public override int Read(Span<byte> buffer)
        {
            int n = base.Read(buffer);
            BytesRead += n;
            return n;
        }
    }
}
