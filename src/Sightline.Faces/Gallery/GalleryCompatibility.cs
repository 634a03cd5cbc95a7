namespace Sightline.Faces.Gallery;

/// <summary>
/// Which descriptor model describes faces for a gallery. Descriptors of different models live in different
/// spaces, so a gallery bound to one model (by its first enrolment) can only be searched with, and enrolled
/// into with, that model. The CLI and the API both ask here.
/// </summary>
public static class GalleryCompatibility
{
    /// <summary>
    /// The model asked for (a short name or catalog id), else the gallery's, else the default. One that is not
    /// the gallery's throws <see cref="GalleryException"/> (<see cref="GalleryErrorKind.ModelMismatch"/>); an
    /// unknown name throws <see cref="Vision.Pipeline.TaskOptionsException"/> (descriptor). <paramref name="galleryName"/>
    /// names the gallery in the message (null: "the gallery", where its path is not for the reader).
    /// </summary>
    public static string DescriberFor(string? requested, GalleryModel? bound, string? galleryName)
    {
        var id = string.IsNullOrWhiteSpace(requested) ? null : FaceModels.DescriberId(requested);
        if (id is not null && bound is { } model && model.ModelId != id)
            throw new GalleryException($"{(galleryName is null ? "the gallery" : $"face gallery '{galleryName}'")} holds descriptors of {model}; descriptor '{requested!.Trim()}' makes descriptors of '{id}', "
                + "which cannot be compared with them (leave out the descriptor to use the gallery's model, or use a gallery of that model)", kind: GalleryErrorKind.ModelMismatch);
        return id ?? bound?.ModelId ?? FaceModels.Default.Describer;
    }
}
