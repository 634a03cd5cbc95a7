using Sightline.Faces.Gallery;
using Sightline.Library.Storage;

namespace Sightline.Library.People;

/// <summary>
/// The people of a library: clustering of its faces (incremental after each scan, full when the descriptor model or the
/// cut changes) and every user decision about them. Decisions pin faces to people or keep them apart; clustering
/// treats them as constraints, so that no re-clustering, re-scan or model change undoes them.
/// </summary>
public sealed class PeopleService
{
    private readonly ILibraryStore store;

    internal PeopleService(ILibraryStore store, PeopleOptions options)
    {
        this.store = store;
        Options = options;
    }

    public PeopleOptions Options { get; }

    /// <summary>Clusters the faces that are new (or whose descriptor changed) since the last pass; a full pass when the descriptor model or the cut changed.</summary>
    public Task<ClusteringReport> UpdateAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException(store.Location);

    /// <summary>Clusters every face again (decisions kept).</summary>
    public Task<ClusteringReport> ReclusterAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public Task<IReadOnlyList<PersonSummary>> ListAsync(PeopleQuery query, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>A person with their faces; null when there is none with this id.</summary>
    public Task<PersonDetail?> GetAsync(long personId, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>The person with this name (case-insensitive), or null.</summary>
    public Task<PersonSummary?> FindByNameAsync(string name, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Faces in no person: unassigned, too poor (with reasons) or without a descriptor, newest photos first.</summary>
    public Task<IReadOnlyList<PersonFace>> GetUnassignedAsync(int limit, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Names or renames a person; their current faces become confirmed.</summary>
    public Task<PersonSummary> NameAsync(long personId, string name, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Merges people into <paramref name="intoPersonId"/>; refused (Conflict) when two of their faces share a photo.</summary>
    public Task<PersonSummary> MergeAsync(long intoPersonId, IReadOnlyList<long> otherPersonIds, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Moves faces of a person to another person, or to a new one (named <paramref name="newName"/> when given); returns the person they went to.</summary>
    public Task<PersonSummary> SplitAsync(long fromPersonId, IReadOnlyList<long> faceIds, long? toPersonId, string? newName, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>"Not this person": the faces leave the person and never join them again.</summary>
    public Task<PersonSummary> RejectAsync(long personId, IReadOnlyList<long> faceIds, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public Task<PersonSummary> HideAsync(long personId, bool hidden, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Chooses the face shown for a person (one of their faces).</summary>
    public Task<PersonSummary> SetCoverAsync(long personId, long faceId, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Pairs of people that may be the same person, likeliest first; never two people who share a photo.</summary>
    public Task<IReadOnlyList<MergeSuggestion>> SuggestAsync(int limit, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Makes the named people of a face gallery named people of the library, with the library faces that match them.</summary>
    public Task<GalleryImportReport> ImportGalleryAsync(FaceGallery gallery, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Every face with its person and status.</summary>
    public Task<IReadOnlyList<FaceAssignment>> GetAssignmentsAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();
}
