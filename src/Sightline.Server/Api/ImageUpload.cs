using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Sightline.Imaging;
using Sightline.Server.Errors;

namespace Sightline.Server.Api;

/// <summary>
/// Reads the one image of a request: a multipart form file (field "image", or the first file) or the
/// raw body with an image/* or application/octet-stream content type. The server never fetches URLs.
/// </summary>
public static class ImageUpload
{
    public static async Task<DecodedImage> ReadAsync(HttpRequest request, DecodeSize? size, ImageLimits limits, CancellationToken cancellationToken)
    {
        var (bytes, name) = await ReadBytesAsync(request, limits, cancellationToken).ConfigureAwait(false);
        return ImageDecoder.Decode(bytes, name, size, limits);
    }

    internal static async Task<(byte[] Bytes, string Name)> ReadBytesAsync(HttpRequest request, ImageLimits limits, CancellationToken cancellationToken)
    {
        var type = request.ContentType ?? "";
        if (request.HasFormContentType)
        {
            if (!type.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
                throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                    "send the image as multipart/form-data (field 'image') or as the raw request body");
            var form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
            var file = form.Files.GetFile("image") ?? form.Files.FirstOrDefault()
                ?? throw ApiProblem.BadParameter("the multipart form has no file; put the image in a field named 'image'");
            if (file.Length > limits.MaxFileBytes)
                throw new ImageLoadException(file.FileName, ImageErrorKind.FileTooLarge, $"the file has {file.Length} bytes, the limit is {limits.MaxFileBytes}");
            await using var stream = file.OpenReadStream();
            return (await ReadAllAsync(stream, limits, file.FileName, cancellationToken).ConfigureAwait(false), SafeName(file.FileName));
        }
        if (!(type.StartsWith("image/", StringComparison.OrdinalIgnoreCase) || type.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase)))
            throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                $"content type '{(type.Length == 0 ? "none" : type)}' is not an image; send image/* , application/octet-stream or multipart/form-data");
        if (request.ContentLength is > 0 and var length && length > limits.MaxFileBytes)
            throw new ImageLoadException("request body", ImageErrorKind.FileTooLarge, $"the body has {length} bytes, the limit is {limits.MaxFileBytes}");
        return (await ReadAllAsync(request.Body, limits, "request body", cancellationToken).ConfigureAwait(false), "request body");
    }

    /// <summary>
    /// Every image of a request that may carry several (at most <paramref name="maxFiles"/>): each file of a
    /// multipart form with its field name, or the raw body as one file named "image". The body limit of this
    /// request is raised to <paramref name="maxFiles"/> uploads.
    /// </summary>
    internal static async Task<IReadOnlyList<UploadedImage>> ReadFilesAsync(HttpRequest request, ImageLimits limits, long maxUploadBytes, int maxFiles, CancellationToken cancellationToken)
    {
        var bodyLimit = maxUploadBytes * maxFiles;
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = bodyLimit;
        if (!request.HasFormContentType)
        {
            var (bytes, name) = await ReadBytesAsync(request, limits, cancellationToken).ConfigureAwait(false);
            return [new UploadedImage("image", name, bytes)];
        }
        if (!(request.ContentType ?? "").StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                "send the images as multipart/form-data or one image as the raw request body");
        if (request.ContentLength is > 0 and var length && length > bodyLimit)
            throw new ImageLoadException("request body", ImageErrorKind.FileTooLarge, $"the body has {length} bytes, the limit is {bodyLimit}");
        var form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = bodyLimit, ValueCountLimit = 64 }, cancellationToken).ConfigureAwait(false);
        if (form.Files.Count == 0)
            throw ApiProblem.BadParameter("the multipart form has no file");
        if (form.Files.Count > maxFiles)
            throw ApiProblem.BadParameter($"the form has {form.Files.Count} files; at most {maxFiles} are accepted");
        var files = new List<UploadedImage>(form.Files.Count);
        foreach (var file in form.Files)
        {
            if (file.Length > limits.MaxFileBytes)
                throw new ImageLoadException(file.FileName, ImageErrorKind.FileTooLarge, $"the file has {file.Length} bytes, the limit is {limits.MaxFileBytes}");
            await using var stream = file.OpenReadStream();
            files.Add(new UploadedImage(file.Name, SafeName(file.FileName), await ReadAllAsync(stream, limits, file.FileName, cancellationToken).ConfigureAwait(false)));
        }
        return files;
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, ImageLimits limits, string name, CancellationToken cancellationToken)
    {
        using var memory = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            memory.Write(buffer, 0, read);
            if (memory.Length > limits.MaxFileBytes)
                throw new ImageLoadException(name, ImageErrorKind.FileTooLarge, $"more than {limits.MaxFileBytes} bytes");
        }
        return memory.ToArray();
    }

    // Client-chosen names end up in messages only; keep them short and printable.
    private static string SafeName(string name)
    {
        var clean = new string(Path.GetFileName(name).Where(c => !char.IsControl(c)).Take(100).ToArray());
        return clean.Length == 0 ? "upload" : clean;
    }
}

/// <summary>One uploaded image: the form field it came in, its (sanitised) file name, and its bytes.</summary>
internal sealed record UploadedImage(string Field, string Name, byte[] Bytes);
