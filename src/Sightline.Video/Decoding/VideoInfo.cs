namespace Sightline.Video.Decoding;

/// <summary>
/// What a video is: its frame size as shown (rotation applied), the rotation its metadata asks for, duration,
/// frame rate, frame count when the container states it, codec and container. An image sequence (a folder of
/// frames, MOTChallenge's layout among them) is described the same way.
/// </summary>
public sealed record VideoInfo(
    string Path,
    int Width,
    int Height,
    int Rotation,
    double Duration,
    double FrameRate,
    long? FrameCount,
    string Codec,
    string Container,
    bool HasAudio,
    bool IsImageSequence = false)
{
    public long Pixels => (long)Width * Height;
}
