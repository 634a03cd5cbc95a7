using System.Text.Json;
using Sightline.Library;
using Sightline.Library.Metadata;
using Sightline.Library.People;

namespace Sightline.Server.Api;

/// <summary>GET /v1/library/status: what <c>sightline library status --json</c> shows, and the scan this server runs or ran last (null before its first).</summary>
public sealed record LibraryStatusResponse(LibraryStatus Library, ScanState? Scan);

/// <summary>
/// One stored analysis of a photo: its result is the task's JSON document embedded as JSON (what
/// <c>sightline analyze --json</c> prints for the task), or, when the stored text is not JSON, null with the reason.
/// </summary>
public sealed record LibraryAnalysis(string Task, string Version, DateTimeOffset At, JsonElement? Result, string? Error = null)
{
    public static LibraryAnalysis From(AnalysisRecord record)
    {
        try
        {
            using var document = JsonDocument.Parse(record.Json);
            return new(record.Task, record.Version, record.At, document.RootElement.Clone());
        }
        catch (JsonException e)
        {
            return new(record.Task, record.Version, record.At, null, $"the stored result of '{record.Task}' is not valid JSON: {e.Message}");
        }
    }
}

/// <summary>
/// GET /v1/library/photos/{id}: the photo with everything stored about it. <see cref="OriginalAvailable"/> says whether
/// one of its paths still holds a file (GET .../original serves it); faces carry their descriptors only when asked.
/// <see cref="People"/> says who each detected face is (matched to <see cref="Faces"/> by index).
/// </summary>
public sealed record LibraryPhotoResponse(
    PhotoRow Photo,
    IReadOnlyList<string> Paths,
    bool OriginalAvailable,
    PhotoMetadata Metadata,
    IReadOnlyList<LibraryAnalysis> Analyses,
    IReadOnlyList<FaceRecord> Faces,
    IReadOnlyList<PhotoFacePerson> People)
{
    public static LibraryPhotoResponse From(PhotoDetail detail, bool originalAvailable, bool withDescriptors, IReadOnlyList<PhotoFacePerson> people) => new(
        detail.Photo,
        detail.Paths,
        originalAvailable,
        detail.Metadata,
        detail.Analyses.Select(LibraryAnalysis.From).ToList(),
        withDescriptors ? detail.Faces : detail.Faces.Select(f => f with { Descriptor = null }).ToList(),
        people);
}
