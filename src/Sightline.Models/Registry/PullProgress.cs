namespace Sightline.Models.Registry;

public enum PullStage { Resolving, Downloading, Verifying, Extracting, Preparing, Done }

/// <summary>Where a pull stands; <see cref="TotalBytes"/> is null when the server does not say.</summary>
public readonly record struct PullProgress(string ModelId, PullStage Stage, long Bytes, long? TotalBytes);
