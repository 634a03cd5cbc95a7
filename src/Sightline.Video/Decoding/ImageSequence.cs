using System.Globalization;
using System.Runtime.CompilerServices;
using Sightline.Imaging;

namespace Sightline.Video.Decoding;

/// <summary>
/// A folder of frames read as a video: MOTChallenge's layout (<c>seqinfo.ini</c> beside <c>img1/</c>, whose frame
/// rate is used) or any folder of images, taken in name order at 30 frames per second unless told otherwise.
/// </summary>
public static class ImageSequence
{
    public const double AssumedFrameRate = 30;

    public static VideoInfo Probe(string folder, ImageLimits limits, double? frameRate = null)
    {
        var (frames, rate) = Frames(folder);
        if (frames.Count == 0)
            throw new VideoException(VideoErrorKind.NoFrames, folder, "the folder holds no images to read as frames");
        var first = ImageDecoder.ReadInfo(frames[0], limits);
        var fps = frameRate ?? rate ?? AssumedFrameRate;
        return new VideoInfo(folder, first.Width, first.Height, 0, frames.Count / fps, fps, frames.Count, first.Format.ToString().ToLowerInvariant(),
            "image sequence", HasAudio: false, IsImageSequence: true);
    }

    /// <summary>The frame files in order and the frame rate seqinfo.ini states, if any.</summary>
    public static (IReadOnlyList<string> Files, double? FrameRate) Frames(string folder)
    {
        var images = Path.Combine(folder, "img1");
        var info = Path.Combine(folder, "seqinfo.ini");
        double? rate = null;
        var directory = folder;
        if (File.Exists(info))
        {
            var values = File.ReadLines(info).Select(l => l.Split('=', 2)).Where(p => p.Length == 2)
                .GroupBy(p => p[0].Trim(), StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First()[1].Trim(), StringComparer.OrdinalIgnoreCase);
            if (values.TryGetValue("frameRate", out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r > 0)
                rate = r;
            directory = values.TryGetValue("imDir", out var imDir) ? Path.Combine(folder, imDir) : images;
        }
        else if (Directory.Exists(images))
        {
            directory = images;
        }
        if (!Directory.Exists(directory))
            return ([], rate);
        var files = Directory.EnumerateFiles(directory).Where(ImageDecoder.IsSupportedExtension)
            .Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).ToList();
        return (files, rate);
    }

    public static async IAsyncEnumerable<VideoFrame> ReadAsync(VideoInfo info, FrameSampling sampling, ImageLimits limits,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (files, _) = Frames(info.Path);
        double? last = null;
        for (var i = 0; i < files.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var time = i / info.FrameRate;
            if (!sampling.Takes(i, time, info.FrameRate, last))
                continue;
            last = time;
            DecodedImage image;
            try
            {
                image = await Task.Run(() => ImageDecoder.Decode(files[i], DecodeSize.Original, limits), cancellationToken).ConfigureAwait(false);
            }
            catch (ImageLoadException e)
            {
                throw new VideoException(VideoErrorKind.DecodeFailed, info.Path, $"frame {i + 1} ({Path.GetFileName(files[i])}) cannot be read: {e.Message}");
            }
            if (image.Width != info.Width || image.Height != info.Height)
            {
                image.Dispose();
                throw new VideoException(VideoErrorKind.DecodeFailed, info.Path,
                    $"frame {i + 1} ({Path.GetFileName(files[i])}) is {image.Width}x{image.Height}, the first was {info.Width}x{info.Height}");
            }
            yield return new VideoFrame(i, time, image.Bitmap, image);
        }
    }
}
