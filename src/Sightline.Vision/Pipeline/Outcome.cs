using Sightline.Imaging;

namespace Sightline.Vision.Pipeline;

/// <summary>Where an input came from: a file path or a caller-given name, and a frame index for video frames.</summary>
public readonly record struct SourceRef(string Name, long? Frame = null)
{
    public override string ToString() => Frame is { } f ? $"{Name}#{f}" : Name;
}

/// <summary>Why one input gave no result; <see cref="Code"/> is stable (snake_case) for scripts and the API.</summary>
public sealed record InputError(string Code, string Message)
{
    public static InputError From(ImageLoadException e) => new(CodeOf(e.Kind), e.Message);

    /// <summary>The stable code of an image error kind (<see cref="ImageErrorCodes"/>, the API's codes): image_not_found, empty_image, image_too_large, ...</summary>
    public static string CodeOf(ImageErrorKind kind) => ImageErrorCodes.CodeOf(kind);
}

/// <summary>
/// What became of one input: a result, or a typed error. Exactly one of <see cref="Result"/> and
/// <see cref="Error"/> is set. This one type replaces a per-task outcome record.
/// </summary>
public sealed record Outcome<T>(SourceRef Source, T? Result, InputError? Error) where T : class
{
    public bool Succeeded => Result is not null;

    public static Outcome<T> Success(SourceRef source, T result) => new(source, result, null);

    public static Outcome<T> Failure(SourceRef source, InputError error) => new(source, null, error);
}
