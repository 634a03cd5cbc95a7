using System.Diagnostics;
using System.Numerics.Tensors;
using Sightline.Faces.Descriptors;
using Sightline.Faces.Gallery;
using Sightline.Library.People.Clustering;
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

    /// <summary>One pass or decision at a time in this process: a pass reads, clusters and writes, and must not write over a decision made in between.</summary>
    private readonly SemaphoreSlim gate = new(1, 1);

    internal PeopleService(ILibraryStore store, PeopleOptions options)
    {
        this.store = store;
        Options = options;
    }

    public PeopleOptions Options { get; }

    private IPeopleStore People => store.People;

    /// <summary>Clusters the faces that are new (or whose descriptor changed) since the last pass; a full pass when the descriptor model or the cut changed.</summary>
    public Task<ClusteringReport> UpdateAsync(CancellationToken cancellationToken = default) =>
        Locked(() => PassAsync(full: false, [], cancellationToken), cancellationToken);

    /// <summary>Clusters every face again (decisions kept).</summary>
    public Task<ClusteringReport> ReclusterAsync(CancellationToken cancellationToken = default) =>
        Locked(async () =>
        {
            await People.ResetComponentsAsync(cancellationToken).ConfigureAwait(false);
            return await PassAsync(full: true, [], cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task<IReadOnlyList<PersonSummary>> ListAsync(PeopleQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit < 1)
            throw new PeopleException(PeopleErrorKind.Invalid, $"people limit {query.Limit} is not a positive number");
        return People.ListPeopleAsync(query, cancellationToken);
    }

    /// <summary>A person with their faces; null when there is none with this id.</summary>
    public async Task<PersonDetail?> GetAsync(long personId, CancellationToken cancellationToken = default)
    {
        if (await People.GetPersonAsync(personId, cancellationToken).ConfigureAwait(false) is not { } person)
            return null;
        var model = await LibraryModelAsync(cancellationToken).ConfigureAwait(false);
        return new PersonDetail(person, await People.GetPersonFacesAsync(personId, model, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The person with this name (case-insensitive), or null.</summary>
    public Task<PersonSummary?> FindByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new PeopleException(PeopleErrorKind.Invalid, "a person's name cannot be empty");
        return People.FindPersonByNameAsync(name, cancellationToken);
    }

    /// <summary>Faces in no person: unassigned, too poor (with reasons) or without a descriptor, newest photos first.</summary>
    public async Task<IReadOnlyList<PersonFace>> GetUnassignedAsync(int limit, CancellationToken cancellationToken = default)
    {
        if (limit < 1)
            throw new PeopleException(PeopleErrorKind.Invalid, $"face limit {limit} is not a positive number");
        var model = await LibraryModelAsync(cancellationToken).ConfigureAwait(false);
        return await People.GetUnassignedFacesAsync(model, limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Names or renames a person; their current faces become confirmed.</summary>
    public Task<PersonSummary> NameAsync(long personId, string name, CancellationToken cancellationToken = default) =>
        DecideAsync(() => People.NamePersonAsync(personId, name, cancellationToken), cancellationToken);

    /// <summary>Merges people into <paramref name="intoPersonId"/>; refused (Conflict) when two of their faces share a photo.</summary>
    public Task<PersonSummary> MergeAsync(long intoPersonId, IReadOnlyList<long> otherPersonIds, CancellationToken cancellationToken = default) =>
        DecideAsync(() => People.MergePeopleAsync(intoPersonId, otherPersonIds ?? throw new PeopleException(PeopleErrorKind.Invalid, "a merge names no people"),
            cancellationToken), cancellationToken);

    /// <summary>Moves faces of a person to another person, or to a new one (named <paramref name="newName"/> when given); returns the person they went to.</summary>
    public Task<PersonSummary> SplitAsync(long fromPersonId, IReadOnlyList<long> faceIds, long? toPersonId, string? newName, CancellationToken cancellationToken = default) =>
        DecideAsync(() => People.SplitPersonAsync(fromPersonId, faceIds ?? [], toPersonId, newName, cancellationToken), cancellationToken);

    /// <summary>
    /// "This face is ...": gives faces (unassigned, too poor, or another person's) to a person, or to a new one named
    /// <paramref name="newName"/>; returns the person they went to.
    /// </summary>
    public Task<PersonSummary> AssignAsync(IReadOnlyList<long> faceIds, long? toPersonId, string? newName, CancellationToken cancellationToken = default) =>
        DecideAsync(() => People.AssignFacesAsync(faceIds ?? [], toPersonId, newName, cancellationToken), cancellationToken);

    /// <summary>"Not this person": the faces leave the person and never join them again.</summary>
    public Task<PersonSummary> RejectAsync(long personId, IReadOnlyList<long> faceIds, CancellationToken cancellationToken = default) =>
        DecideAsync(() => People.RejectFacesAsync(personId, faceIds ?? [], cancellationToken), cancellationToken);

    public Task<PersonSummary> HideAsync(long personId, bool hidden, CancellationToken cancellationToken = default) =>
        DecideAsync(() => People.HidePersonAsync(personId, hidden, cancellationToken), cancellationToken);

    /// <summary>Chooses the face shown for a person (one of their faces).</summary>
    public Task<PersonSummary> SetCoverAsync(long personId, long faceId, CancellationToken cancellationToken = default) =>
        DecideAsync(() => People.SetCoverAsync(personId, faceId, cancellationToken), cancellationToken);

    /// <summary>Pairs of people that may be the same person, likeliest first; never two people who share a photo.</summary>
    public async Task<IReadOnlyList<MergeSuggestion>> SuggestAsync(int limit, CancellationToken cancellationToken = default)
    {
        if (limit < 1)
            throw new PeopleException(PeopleErrorKind.Invalid, $"suggestion limit {limit} is not a positive number");
        if (await LibraryModelAsync(cancellationToken).ConfigureAwait(false) is not { } model)
            return [];
        var bound = Options.For(model).Threshold * Options.SuggestionFactor;
        var visible = (await People.ListPeopleAsync(new PeopleQuery(Limit: int.MaxValue), cancellationToken).ConfigureAwait(false)).ToDictionary(p => p.Id);
        var faces = await People.GetClusterFacesAsync(model, null, cancellationToken).ConfigureAwait(false);
        var groups = faces.Where(f => f.PersonId is { } p && visible.ContainsKey(p))
            .GroupBy(f => f.PersonId!.Value).OrderBy(g => g.Key)
            .Select(g => new SuggestionGroup(g.Key, g.ToList())).ToList();
        var rejected = faces.SelectMany(f => f.RejectedFrom.Select(p => (Face: f, Person: p))).Where(r => r.Face.PersonId is not null)
            .Select(r => (r.Face.PersonId!.Value, r.Person)).ToHashSet();
        var suggestions = new List<MergeSuggestion>();
        for (var i = 0; i < groups.Count; i++)
            for (var j = i + 1; j < groups.Count; j++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (a, b) = (groups[i], groups[j]);
                // The distance of the centroids is at most the mean distance of the faces (the norm is convex): a cheap exact prune.
                if (TensorPrimitives.Distance(a.Centroid, b.Centroid) >= bound || a.Photos.Overlaps(b.Photos)
                    || rejected.Contains((a.Person, b.Person)) || rejected.Contains((b.Person, a.Person)))
                    continue;
                var mean = MeanDistance(a.Faces, b.Faces);
                if (mean < bound)
                    suggestions.Add(new MergeSuggestion(visible[a.Person], visible[b.Person], mean));
            }
        return suggestions.OrderBy(s => s.Distance).ThenBy(s => s.First.Id).ThenBy(s => s.Second.Id).Take(limit).ToList();
    }

    private sealed class SuggestionGroup
    {
        public SuggestionGroup(long person, IReadOnlyList<StoredClusterFace> faces)
        {
            Person = person;
            Faces = faces;
            Photos = faces.Select(f => f.PhotoId).ToHashSet();
            Centroid = new float[faces[0].Descriptor.Length];
            foreach (var face in faces)
                TensorPrimitives.Add(Centroid, face.Descriptor, Centroid);
            TensorPrimitives.Divide(Centroid, faces.Count, Centroid);
        }

        public long Person { get; }
        public IReadOnlyList<StoredClusterFace> Faces { get; }
        public HashSet<long> Photos { get; }
        public float[] Centroid { get; }
    }

    private static float MeanDistance(IReadOnlyList<StoredClusterFace> a, IReadOnlyList<StoredClusterFace> b)
    {
        double sum = 0;
        foreach (var x in a)
            foreach (var y in b)
                sum += TensorPrimitives.Distance(x.Descriptor, y.Descriptor);
        return (float)(sum / (a.Count * (double)b.Count));
    }

    /// <summary>Makes the named people of a face gallery named people of the library, with the library faces that match them.</summary>
    public async Task<GalleryImportReport> ImportGalleryAsync(FaceGallery gallery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gallery);
        var enrolled = gallery.People().OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        if (gallery.Model is not { } galleryModel || enrolled.Count == 0)
            return new GalleryImportReport(0, 0, []);
        var model = await LibraryModelAsync(cancellationToken).ConfigureAwait(false);
        if (model is null)
            return new GalleryImportReport(0, 0, enrolled.Select(p => $"{p.Name}: the library has no face descriptors yet (scan it with the faces analysis)").ToList());
        if (galleryModel.ModelId != model)
            return new GalleryImportReport(0, 0, enrolled.Select(p =>
                $"{p.Name}: the gallery holds descriptors of {galleryModel}, the library's faces are described by '{model}'; they cannot be compared").ToList());

        var threshold = GalleryThreshold(model);
        var faces = await People.GetClusterFacesAsync(model, null, cancellationToken).ConfigureAwait(false);
        // Per gallery person, per photo: the nearest matching face (a person is in a photo once).
        var matches = new Dictionary<string, Dictionary<long, (long Face, float Distance)>>(StringComparer.OrdinalIgnoreCase);
        foreach (var face in faces)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (gallery.Identify(new FaceDescriptor(galleryModel.ModelId, galleryModel.Metric, face.Descriptor), threshold).Match is not { } match)
                continue;
            if (!matches.TryGetValue(match.Name, out var byPhoto))
                matches[match.Name] = byPhoto = [];
            if (!byPhoto.TryGetValue(face.PhotoId, out var best) || match.Distance < best.Distance || (match.Distance == best.Distance && face.FaceId < best.Face))
                byPhoto[face.PhotoId] = (face.FaceId, match.Distance);
        }

        return await Locked(async () =>
        {
            int people = 0, placed = 0;
            var skipped = new List<string>();
            var components = new HashSet<long>();
            foreach (var person in enrolled)
            {
                if (!matches.TryGetValue(person.Name, out var byPhoto))
                {
                    skipped.Add($"{person.Name}: no face of the library is nearer than {threshold:0.00} to their gallery faces");
                    continue;
                }
                var outcome = await People.PlaceFacesAsync(person.Name, byPhoto.Values.Select(v => v.Face).Order().ToList(), cancellationToken).ConfigureAwait(false);
                people++;
                placed += outcome.Faces;
                components.UnionWith(outcome.Components);
            }
            await PassAsync(full: false, components, cancellationToken).ConfigureAwait(false);
            return new GalleryImportReport(people, placed, skipped);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The "same person" bound of a descriptor model's gallery matches (the describer's own threshold).</summary>
    internal static float GalleryThreshold(string descriptorModel) =>
        descriptorModel == FaceResDescriber.Id ? FaceResDescriber.DefaultThreshold : FaceApiDescriber.DefaultThreshold;

    /// <summary>One detected face of the library by id, with its person and status; null when there is none.</summary>
    public async Task<PersonFace?> GetFaceAsync(long faceId, CancellationToken cancellationToken = default) =>
        await People.GetFaceAsync(faceId, await LibraryModelAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>Who each detected face of a photo is (by face index): its person's id and name, or its status when in no person.</summary>
    public async Task<IReadOnlyList<PhotoFacePerson>> GetPhotoPeopleAsync(long photoId, CancellationToken cancellationToken = default)
    {
        var model = await LibraryModelAsync(cancellationToken).ConfigureAwait(false);
        var faces = await People.GetPhotoFacesAsync(photoId, model, cancellationToken).ConfigureAwait(false);
        var names = new Dictionary<long, string?>();
        foreach (var personId in faces.Select(f => f.PersonId).OfType<long>().Distinct())
            names[personId] = (await People.GetPersonAsync(personId, cancellationToken).ConfigureAwait(false))?.Name;
        return faces.Select(f => new PhotoFacePerson(f.FaceId, f.Index, f.PersonId, f.PersonId is { } id ? names.GetValueOrDefault(id) : null, f.Status)).ToList();
    }

    /// <summary>Every face with its person and status.</summary>
    public async Task<IReadOnlyList<FaceAssignment>> GetAssignmentsAsync(CancellationToken cancellationToken = default)
    {
        var model = await LibraryModelAsync(cancellationToken).ConfigureAwait(false);
        return await People.GetAssignmentsAsync(model, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The library's descriptor model: the one most clusterable faces have (faces of another model wait for re-analysis).</summary>
    private async Task<string?> LibraryModelAsync(CancellationToken cancellationToken) =>
        (await People.GetDescriptorModelsAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault()?.Model;

    private async Task<T> Locked<T>(Func<Task<T>> body, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await body().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A decision, then the re-clustering of the components it touched, so that the result is consistent at once.</summary>
    private Task<PersonSummary> DecideAsync(Func<Task<DecisionOutcome>> decide, CancellationToken cancellationToken) =>
        Locked(async () =>
        {
            var outcome = await decide().ConfigureAwait(false);
            await PassAsync(full: false, outcome.Components, cancellationToken, outcome.PersonId).ConfigureAwait(false);
            return await People.GetPersonAsync(outcome.PersonId, cancellationToken).ConfigureAwait(false)
                ?? throw new PeopleException(PeopleErrorKind.NotFound, $"person {outcome.PersonId} does not exist");
        }, cancellationToken);

    /// <summary>
    /// One clustering pass: every clusterable face when <paramref name="full"/> (or when the descriptor model or the
    /// cut differ from the last full pass, or, above <see cref="PeopleOptions.ExactUpTo"/> faces, when the new faces
    /// reach <see cref="PeopleOptions.ExactShare"/> of the library). Otherwise, up to ExactUpTo faces, an exact pass:
    /// the faces new to clustering, the components of their neighbours, the components named, and everything joined
    /// to those by pins; above it, a local pass (<see cref="LocalFaces"/>) around the new faces and the person
    /// <paramref name="decided"/> about.
    /// </summary>
    private async Task<ClusteringReport> PassAsync(bool full, IReadOnlyCollection<long> components, CancellationToken cancellationToken, long? decided = null)
    {
        var started = Stopwatch.GetTimestamp();
        var described = (await People.GetDescriptorModelsAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        var model = described?.Model;
        if (model is null)
        {
            var none = await People.GetPeopleCountsAsync(null, cancellationToken).ConfigureAwait(false);
            return new ClusteringReport(full, null, Options.Threshold ?? PeopleDefaults.ThresholdFor(""), 0, 0, 0, none.People, none.Assigned, none.Unassigned, none.TooPoor,
                Stopwatch.GetElapsedTime(started));
        }
        var options = Options.For(model);
        // Chains through near pairs grow with the number of pairs of different people under the chain distance, that
        // is with the library: on synthetic face-api faces the chain rule lifted BCubed F1 at 10,000 faces (0.925 to
        // 0.928) and lowered it at 30,000 (0.934 to 0.916, precision 0.955 to 0.911). Large libraries group by the mean alone.
        if (described!.Faces > Options.ExactUpTo)
            options = options with { ChainDistance = 0, ChainMean = 0 };
        var state = await People.GetClusteringStateAsync(cancellationToken).ConfigureAwait(false);
        full |= state is null || state.DescriptorModel != model || state.Threshold != options.Threshold;

        IReadOnlyList<StoredClusterFace> faces;
        int newFaces;
        IReadOnlySet<long>? held = null;
        IReadOnlyList<FaceVector>? vectors = null;
        if (!full)
        {
            vectors = await People.GetDescriptorsAsync(model, cancellationToken).ConfigureAwait(false);
            // Local passes give new faces a component too, so the growth since the last full pass is what counts.
            full = vectors.Count > Options.ExactUpTo && vectors.Count - state!.Faces >= Options.ExactShare * vectors.Count;
        }
        if (full)
        {
            faces = await People.GetClusterFacesAsync(model, null, cancellationToken).ConfigureAwait(false);
            newFaces = faces.Count(f => f.Component is null);
        }
        else if (vectors!.Count <= Options.ExactUpTo)
        {
            var (affected, fresh) = AffectedFaces(vectors, components, options.Threshold, cancellationToken);
            newFaces = fresh;
            faces = affected.Count == 0 ? [] : await People.GetClusterFacesAsync(model, affected, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // After a decision, the faces of the person it concerns are placed again (their component is most of a
            // large library); the full pass that follows settles the rest.
            IReadOnlyList<long> seeds = decided is { } decidedPerson ? vectors.Where(v => v.PersonId == decidedPerson).Select(v => v.FaceId).ToList()
                : components.Count == 0 ? []
                : (await People.GetComponentFacesAsync(model, components, cancellationToken).ConfigureAwait(false)).Select(f => f.FaceId).ToList();
            var (affected, kept, fresh) = LocalFaces(vectors, seeds, options.Threshold, Options.LocalNeighbours, cancellationToken);
            newFaces = fresh;
            held = kept;
            faces = affected.Count == 0 ? [] : await People.GetClusterFacesAsync(model, affected, cancellationToken).ConfigureAwait(false);
        }

        var componentCount = 0;
        if (faces.Count > 0 || full)
        {
            var (placed, newPeople, count) = Place(faces, options, cancellationToken, held);
            componentCount = count;
            // Only what changed is written: a pass over a settled library writes nothing but its state.
            var before = faces.ToDictionary(f => f.FaceId);
            placed = placed.Where(p => p.NewPerson is not null || before[p.FaceId].Component != p.Component
                || (!before[p.FaceId].Pinned && before[p.FaceId].PersonId != p.PersonId)).ToList();
            await People.WriteClusteringAsync(new ClusteringWrite(full, new ClusteringState(model, options.Threshold, faces.Count), placed, newPeople), cancellationToken).ConfigureAwait(false);
        }
        var counts = await People.GetPeopleCountsAsync(model, cancellationToken).ConfigureAwait(false);
        return new ClusteringReport(full, model, options.Threshold, newFaces, faces.Count, componentCount, counts.People, counts.Assigned, counts.Unassigned, counts.TooPoor,
            Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// The faces an incremental pass re-clusters: those new to clustering, their neighbours (nearer than the cut)
    /// with the whole components those lie in, the components named, and, closed over, every face pinned to a
    /// person one of these is pinned to (must-links join components). Returns them and how many were new.
    /// </summary>
    internal static (IReadOnlyCollection<long> Faces, int New) AffectedFaces(IReadOnlyList<FaceVector> vectors, IReadOnlyCollection<long> components, float threshold,
        CancellationToken cancellationToken)
    {
        var byComponent = vectors.Where(v => v.Component is not null).GroupBy(v => v.Component!.Value).ToDictionary(g => g.Key, g => g.ToList());
        var byPinned = vectors.Where(v => v.PinnedPerson is not null).GroupBy(v => v.PinnedPerson!.Value).ToDictionary(g => g.Key, g => g.ToList());
        var faces = new HashSet<long>();
        var seenComponents = new HashSet<long>();
        var seenPeople = new HashSet<long>();
        var work = new Queue<FaceVector>();
        void AddFace(FaceVector v)
        {
            if (faces.Add(v.FaceId))
                work.Enqueue(v);
        }
        void AddComponent(long component)
        {
            if (seenComponents.Add(component) && byComponent.TryGetValue(component, out var members))
                members.ForEach(AddFace);
        }

        foreach (var component in components)
            AddComponent(component);
        var fresh = vectors.Where(v => v.Component is null).ToList();
        if (fresh.Count > 0)
        {
            var library = new DescriptorMatrix(vectors.Select(v => v.Vector).ToList());
            var queries = new DescriptorMatrix(fresh.Select(v => v.Vector).ToList());
            var neighbours = NeighbourSearch.Within(library, queries, threshold, cancellationToken);
            for (var i = 0; i < fresh.Count; i++)
            {
                AddFace(fresh[i]);
                foreach (var (row, _) in neighbours[i])
                    AddFace(vectors[row]);
            }
        }
        while (work.TryDequeue(out var face))
        {
            if (face.Component is { } component)
                AddComponent(component);
            if (face.PinnedPerson is { } person && seenPeople.Add(person) && byPinned.TryGetValue(person, out var pinned))
                pinned.ForEach(AddFace);
        }
        return (faces, fresh.Count);
    }

    /// <summary>
    /// The faces a local pass places (libraries above <see cref="PeopleOptions.ExactUpTo"/>): the new faces and the
    /// <paramref name="seeds"/>, their <paramref name="neighbours"/> nearest faces nearer than the cut, every face of
    /// the people those have, and every face pinned to those people. Returns them, the faces held with their current
    /// person during the pass (those that are neither new nor seeds and have a person), and how many were new.
    /// </summary>
    internal static (IReadOnlyCollection<long> Faces, IReadOnlySet<long> Held, int New) LocalFaces(IReadOnlyList<FaceVector> vectors, IReadOnlyCollection<long> seeds,
        float threshold, int neighbours, CancellationToken cancellationToken)
    {
        var free = new HashSet<long>(seeds);
        var fresh = vectors.Where(v => v.Component is null).ToList();
        free.UnionWith(fresh.Select(v => v.FaceId));
        var faces = new HashSet<long>(free);
        var people = new HashSet<long>();
        var byId = vectors.ToDictionary(v => v.FaceId);
        foreach (var id in free)
            if (byId.TryGetValue(id, out var seed) && seed.PersonId is { } own)
                people.Add(own);
        var queries = vectors.Where(v => free.Contains(v.FaceId)).ToList();
        if (queries.Count > 0)
        {
            var found = NeighbourSearch.Within(new DescriptorMatrix(vectors.Select(v => v.Vector).ToList()),
                new DescriptorMatrix(queries.Select(v => v.Vector).ToList()), threshold, cancellationToken);
            foreach (var list in found)
                foreach (var (row, _) in list.Take(neighbours + 1)) // the query itself is among its neighbours
                {
                    faces.Add(vectors[row].FaceId);
                    if (vectors[row].PersonId is { } person)
                        people.Add(person);
                }
        }
        foreach (var v in vectors)
            if ((v.PersonId is { } person && people.Contains(person)) || (v.PinnedPerson is { } pinned && people.Contains(pinned)))
                faces.Add(v.FaceId);
        var held = faces.Where(id => !free.Contains(id) && byId[id].PersonId is not null).ToHashSet();
        return (faces, held, fresh.Count);
    }

    /// <summary>
    /// Clusters the faces and places each cluster: one with pinned faces is their person; an unpinned one of at least
    /// MinFaces faces takes the automatic person most of its faces had before (greedy by overlap, ties by the smaller
    /// person id), else a new person; a smaller one is unassigned. A component is labelled by its smallest face id.
    /// </summary>
    internal static (IReadOnlyList<ClusteredFace> Faces, int NewPeople, int Components) Place(IReadOnlyList<StoredClusterFace> faces, ClusteringOptions options,
        CancellationToken cancellationToken, IReadOnlySet<long>? held = null)
    {
        if (faces.Count == 0)
            return ([], 0, 0);
        var byId = faces.ToDictionary(f => f.FaceId);
        // A local pass holds the faces it does not place with their person, as if pinned: the new faces join or
        // leave them, and the full pass that follows decides the rest.
        var clusters = FaceClustering.Cluster(faces.Select(f => new ClusterFace(f.FaceId, f.StableKey, f.PhotoId, f.Descriptor,
            f.Pinned || held?.Contains(f.FaceId) == true ? f.PersonId : null, f.RejectedFrom.Count > 0 ? f.RejectedFrom : null)).ToList(), options, cancellationToken);
        var labels = clusters.GroupBy(c => c.Component).ToDictionary(g => g.Key, g => g.SelectMany(c => c.FaceIds).Min());

        var person = new long?[clusters.Count];
        var candidates = new List<(int Overlap, long Person, int Cluster)>();
        for (var i = 0; i < clusters.Count; i++)
        {
            var cluster = clusters[i];
            if (cluster.PinnedPerson is { } pinned)
                person[i] = pinned;
            else if (cluster.FaceIds.Count >= options.MinFaces)
                candidates.AddRange(cluster.FaceIds.Select(id => byId[id])
                    .Where(f => f.PersonId is not null && !f.Pinned && !f.PersonConfirmed)
                    .GroupBy(f => f.PersonId!.Value)
                    .Select(g => (g.Count(), g.Key, i)));
        }
        var taken = new HashSet<long>();
        foreach (var (_, candidate, cluster) in candidates.OrderByDescending(c => c.Overlap).ThenBy(c => c.Person).ThenBy(c => c.Cluster))
            if (person[cluster] is null && taken.Add(candidate))
                person[cluster] = candidate;

        var placed = new List<ClusteredFace>(faces.Count);
        var newPeople = 0;
        for (var i = 0; i < clusters.Count; i++)
        {
            var cluster = clusters[i];
            int? created = null;
            if (person[i] is null && cluster.PinnedPerson is null && cluster.FaceIds.Count >= options.MinFaces)
                created = newPeople++;
            foreach (var id in cluster.FaceIds)
                placed.Add(new ClusteredFace(id, labels[cluster.Component], person[i], created));
        }
        return (placed, newPeople, labels.Count);
    }
}
