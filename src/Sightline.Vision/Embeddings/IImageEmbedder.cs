using Sightline.Imaging;
using Sightline.Vision.Pipeline;

namespace Sightline.Vision.Embeddings;

/// <summary>Turns images into fixed-length vectors whose cosine similarity reflects visual similarity.</summary>
public interface IImageEmbedder
{
    string ModelId { get; }
    string ModelVersion { get; }
    int Dimension { get; }
    EmbedderOptions Options { get; }

    /// <summary>The decode size that feeds this model without waste (pass to <see cref="ImageDecoder"/>).</summary>
    DecodeSize DecodeSize { get; }

    /// <summary>Embeds one file; throws <see cref="ImageLoadException"/> when it cannot be read.</summary>
    ImageEmbedding Embed(string path);

    /// <summary>Embeds already decoded images in one model run.</summary>
    IReadOnlyList<ImageEmbedding> Embed(IReadOnlyList<DecodedImage> images);

    /// <summary>
    /// Embeds files in batches of <see cref="EmbedderOptions.BatchSize"/>; an unreadable file becomes a
    /// failed outcome and the rest go on. <paramref name="progress"/> receives the number of files done.
    /// </summary>
    IReadOnlyList<Outcome<ImageEmbedding>> EmbedFiles(IReadOnlyList<string> paths, IProgress<int>? progress = null, CancellationToken cancellationToken = default);
}
