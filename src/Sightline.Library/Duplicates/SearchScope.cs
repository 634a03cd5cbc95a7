using Sightline.Library.Search;

namespace Sightline.Library.Duplicates;

/// <summary>Whether a search filters at all: one with no filter lists every photo, which the library can page without the search index.</summary>
internal static class SearchScope
{
    public static bool IsEverything(PhotoSearch search) =>
        search.People.Count == 0 && search.Emotions.Count == 0 && search.Objects.Count == 0 && search.Text.Count == 0
        && search.TakenFrom is null && search.TakenBefore is null && string.IsNullOrWhiteSpace(search.Camera) && search.Place is null
        && search.Kind is null && search.SimilarTo is null && search.Faces == FacePresence.Any && !search.NeedsReview
        && string.IsNullOrWhiteSpace(search.Moderation);
}
