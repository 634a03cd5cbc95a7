using Sightline.Imaging;
using Sightline.Vision.Pipeline;

namespace Sightline.Analysis.Tests.Pipeline;

/// <summary>What a fake task saw of one image.</summary>
internal sealed record Seen(string Source, int Width, int Height, DecodedImage Image);

/// <summary>A task made in code: records what it is given, optionally waits, and counts how many run at once.</summary>
internal sealed class FakeTask(string name, DecodeSize decodeSize, Func<DecodedImage, TimeSpan>? delay = null) : ImageTask<Seen>
{
    private int _running;
    private int _mostAtOnce;

    public override string Name => name;
    public override DecodeSize DecodeSize => decodeSize;
    public override IReadOnlyList<string> ModelIds => [];
    public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

    public override async Task<Seen> RunAsync(DecodedImage image, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _running);
        int most;
        while (now > (most = Volatile.Read(ref _mostAtOnce)) && Interlocked.CompareExchange(ref _mostAtOnce, now, most) != most)
        {
        }
        try
        {
            if (delay?.Invoke(image) is { } wait && wait > TimeSpan.Zero)
                await Task.Delay(wait, cancellationToken);
            return new Seen(image.Source, image.Width, image.Height, image);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}
