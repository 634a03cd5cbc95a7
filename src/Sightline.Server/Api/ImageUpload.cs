using Microsoft.AspNetCore.Http;
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
