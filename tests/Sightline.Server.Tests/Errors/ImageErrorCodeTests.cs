using Sightline.Imaging;
using Sightline.Server.Errors;
using Sightline.Vision.Pipeline;

namespace Sightline.Server.Tests.Errors;

/// <summary>The API and the pipeline's per-input errors name each unreadable image the same way.</summary>
public sealed class ImageErrorCodeTests
{
    public static TheoryData<ImageErrorKind> Kinds() => [.. Enum.GetValues<ImageErrorKind>()];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ApiProblem_AndInputError_GiveOneCode(ImageErrorKind kind)
    {
        var error = new ImageLoadException("photo.jpg", kind, "reason");

        var (status, code, _) = ApiProblem.Classify(error);

        Assert.Equal(InputError.From(error).Code, code);
        Assert.Equal(ImageErrorCodes.StatusOf(kind), status);
        Assert.Equal(kind, ImageErrorCodes.KindOf(code));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryImageCode_IsListedOnTheErrorPage_WithItsStatus(ImageErrorKind kind)
    {
        var listed = ProblemTypes.All.Where(p => p.Code == ImageErrorCodes.CodeOf(kind)).ToList();

        var entry = Assert.Single(listed);
        Assert.Equal(ImageErrorCodes.StatusOf(kind), entry.Status);
    }

    [Fact]
    public void PublishedStatuses_AreKept()
    {
        Assert.Equal(("image_too_large", 413), (ImageErrorCodes.CodeOf(ImageErrorKind.FileTooLarge), ImageErrorCodes.StatusOf(ImageErrorKind.FileTooLarge)));
        Assert.Equal(("image_too_many_pixels", 413), (ImageErrorCodes.CodeOf(ImageErrorKind.TooManyPixels), ImageErrorCodes.StatusOf(ImageErrorKind.TooManyPixels)));
        Assert.Equal(("unsupported_image_format", 415), (ImageErrorCodes.CodeOf(ImageErrorKind.UnsupportedFormat), ImageErrorCodes.StatusOf(ImageErrorKind.UnsupportedFormat)));
        Assert.Equal(("empty_image", 400), (ImageErrorCodes.CodeOf(ImageErrorKind.Empty), ImageErrorCodes.StatusOf(ImageErrorKind.Empty)));
        Assert.Equal(("truncated_image", 400), (ImageErrorCodes.CodeOf(ImageErrorKind.Truncated), ImageErrorCodes.StatusOf(ImageErrorKind.Truncated)));
        Assert.Equal(("corrupt_image", 400), (ImageErrorCodes.CodeOf(ImageErrorKind.Corrupt), ImageErrorCodes.StatusOf(ImageErrorKind.Corrupt)));
    }

    [Fact]
    public void ACodeOfAnotherKindOfError_IsNoImageError()
    {
        Assert.Null(ImageErrorCodes.KindOf("queue_full"));
        Assert.Null(ImageErrorCodes.KindOf("file_too_large"));
    }
}
