using Sightline.Library.People;

namespace Sightline.Library.Storage;

/// <summary>The descriptor model and cut of the last full clustering pass, and how many faces it clustered.</summary>
public sealed record ClusteringState(string DescriptorModel, float Threshold, int Faces = 0);

/// <summary>How many clusterable faces (detected, with a descriptor, not too poor) a descriptor model has.</summary>
public sealed record DescriptorModelCount(string Model, long Faces);

/// <summary>A clusterable face's descriptor with what the neighbour scan needs: its last component (null: new to clustering), the person it is pinned to, and its person.</summary>
public sealed record FaceVector(long FaceId, long? Component, long? PinnedPerson, float[] Vector, long? PersonId = null);

/// <summary>
/// A clusterable face with everything clustering needs: stable key (content hash ":" face index), photo, descriptor,
/// last component, current person (and whether that person has user decisions), whether the user pinned it there,
/// and the people it was rejected from.
/// </summary>
public sealed record StoredClusterFace(
    long FaceId,
    string StableKey,
    long PhotoId,
    float[] Descriptor,
    long? Component,
    long? PersonId,
    bool Pinned,
    bool PersonConfirmed,
    IReadOnlyList<long> RejectedFrom);

/// <summary>One face's place after a clustering pass: its component and its person, an existing one or the <see cref="NewPerson"/>-th person the write creates (null for none).</summary>
public sealed record ClusteredFace(long FaceId, long Component, long? PersonId, int? NewPerson = null);

/// <summary>
/// The result of one clustering pass, written at once: every re-clustered face's place and the people to create.
/// A full pass also records <see cref="State"/> and takes the automatic person off every face outside clustering.
/// </summary>
public sealed record ClusteringWrite(bool Full, ClusteringState State, IReadOnlyList<ClusteredFace> Faces, int NewPeople);

/// <summary>Faces by what people management makes of them, for a clustering report.</summary>
public sealed record PeopleCounts(int People, int Assigned, int Unassigned, int TooPoor);

/// <summary>What a decision changed: the person it concerns, the components whose faces it touched (to re-cluster), and the faces it placed.</summary>
public sealed record DecisionOutcome(long PersonId, IReadOnlyList<long> Components, int Faces = 0, bool Created = false);

/// <summary>
/// What the people of a library keep, on the library's database (see <see cref="ILibraryStore.People"/>). Each method
/// is one transaction; a decision that breaks a rule is a <see cref="PeopleException"/> and changes nothing.
/// <paramref name="model"/> parameters name the library's descriptor model: faces of another model have no
/// comparable descriptor (<see cref="FaceStatus.NoDescriptor"/>).
/// </summary>
public interface IPeopleStore
{
    Task<ClusteringState?> GetClusteringStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Descriptor models of the clusterable faces, most faces first.</summary>
    Task<IReadOnlyList<DescriptorModelCount>> GetDescriptorModelsAsync(CancellationToken cancellationToken = default);

    /// <summary>Every clusterable face of <paramref name="model"/>, for the neighbour scan, ordered by face id.</summary>
    Task<IReadOnlyList<FaceVector>> GetDescriptorsAsync(string model, CancellationToken cancellationToken = default);

    /// <summary>The clusterable faces of <paramref name="model"/> among <paramref name="faceIds"/> (every one when null), ordered by face id.</summary>
    Task<IReadOnlyList<StoredClusterFace>> GetClusterFacesAsync(string model, IReadOnlyCollection<long>? faceIds, CancellationToken cancellationToken = default);

    /// <summary>The clusterable faces of <paramref name="model"/> in the given components, ordered by face id.</summary>
    Task<IReadOnlyList<StoredClusterFace>> GetComponentFacesAsync(string model, IReadOnlyCollection<long> components, CancellationToken cancellationToken = default);

    Task WriteClusteringAsync(ClusteringWrite write, CancellationToken cancellationToken = default);

    /// <summary>Resets every face to new to clustering (a full pass on request).</summary>
    Task ResetComponentsAsync(CancellationToken cancellationToken = default);

    Task<PeopleCounts> GetPeopleCountsAsync(string? model, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PersonSummary>> ListPeopleAsync(PeopleQuery query, CancellationToken cancellationToken = default);

    Task<PersonSummary?> GetPersonAsync(long personId, CancellationToken cancellationToken = default);

    /// <summary>The person with this name, compared without regard to case; null when none.</summary>
    Task<PersonSummary?> FindPersonByNameAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The id of the person with this name, compared without regard to case, without their counts (a search needs no more); null when none.</summary>
    Task<long?> FindPersonIdByNameAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Whether a person of this id exists (a search's check, without the counts of <see cref="GetPersonAsync"/>).</summary>
    Task<bool> PersonExistsAsync(long personId, CancellationToken cancellationToken = default);

    /// <summary>A person's faces, best first (quality x score).</summary>
    Task<IReadOnlyList<PersonFace>> GetPersonFacesAsync(long personId, string? model, CancellationToken cancellationToken = default);

    /// <summary>Faces in no person, newest photos first.</summary>
    Task<IReadOnlyList<PersonFace>> GetUnassignedFacesAsync(string? model, int limit, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<FaceAssignment>> GetAssignmentsAsync(string? model, CancellationToken cancellationToken = default);

    /// <summary>The detected faces of one photo with their people, by face index.</summary>
    Task<IReadOnlyList<PersonFace>> GetPhotoFacesAsync(long photoId, string? model, CancellationToken cancellationToken = default);

    /// <summary>One detected face by id, or null.</summary>
    Task<PersonFace?> GetFaceAsync(long faceId, string? model, CancellationToken cancellationToken = default);

    /// <summary>Every (face, person) rejection.</summary>
    Task<IReadOnlyList<(long FaceId, long PersonId)>> GetRejectionsAsync(CancellationToken cancellationToken = default);

    // Decisions: each pins the person's current faces to them and marks them confirmed.

    Task<DecisionOutcome> NamePersonAsync(long personId, string name, CancellationToken cancellationToken = default);

    Task<DecisionOutcome> MergePeopleAsync(long intoPersonId, IReadOnlyList<long> otherPersonIds, CancellationToken cancellationToken = default);

    /// <summary>Moves faces of a person to <paramref name="toPersonId"/>, or to a new person (named <paramref name="newName"/> when given).</summary>
    Task<DecisionOutcome> SplitPersonAsync(long fromPersonId, IReadOnlyList<long> faceIds, long? toPersonId, string? newName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives faces to <paramref name="toPersonId"/>, or to a new person named <paramref name="newName"/>, wherever they
    /// are now (in no person, too poor, or with someone else): the user's "this face is ...". They are pinned there.
    /// </summary>
    Task<DecisionOutcome> AssignFacesAsync(IReadOnlyList<long> faceIds, long? toPersonId, string? newName, CancellationToken cancellationToken = default);

    Task<DecisionOutcome> RejectFacesAsync(long personId, IReadOnlyList<long> faceIds, CancellationToken cancellationToken = default);

    Task<DecisionOutcome> HidePersonAsync(long personId, bool hidden, CancellationToken cancellationToken = default);

    Task<DecisionOutcome> SetCoverAsync(long personId, long faceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pins faces to the person called <paramref name="name"/> (made, named, when there is none). A face pinned to
    /// another person, rejected from this one, or in a photo where the person already has a face is left where it is.
    /// </summary>
    Task<DecisionOutcome> PlaceFacesAsync(string name, IReadOnlyList<long> faceIds, CancellationToken cancellationToken = default);
}
