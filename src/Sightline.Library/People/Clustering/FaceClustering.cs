namespace Sightline.Library.People.Clustering;

/// <summary>
/// Order-free constrained average linkage: the same faces give the same clusters whatever order they came in.
/// </summary>
/// <remarks>
/// Only pairs nearer than the cut can ever be merged (the mean of pairs that are all at or beyond the cut is at or
/// beyond it too), so the faces are split into the connected components of the "distance &lt; cut" graph (plus the
/// must-links of faces pinned to one person) and each component is clustered on its own. Inside a component the link
/// sums between neighbouring clusters are kept in a map per cluster (never a dense matrix), each cluster remembers its
/// best partner, and a priority queue over those (stale entries skipped by version) yields the next merge.
/// </remarks>
public static class FaceClustering
{
    /// <summary>Every face in exactly one cluster (singletons included), clusters ordered by their first stable key.</summary>
    public static IReadOnlyList<FaceCluster> Cluster(IReadOnlyList<ClusterFace> faces, ClusteringOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(faces);
        ArgumentNullException.ThrowIfNull(options);
        if (!float.IsFinite(options.Threshold) || options.Threshold <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.Threshold, "the clustering cut must be a finite distance above 0");
        if (options.MinFaces < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MinFaces, "a person needs at least 1 face (MinFaces)");
        if (!float.IsFinite(options.ChainDistance) || options.ChainDistance < 0 || options.ChainDistance > options.Threshold)
            throw new ArgumentOutOfRangeException(nameof(options), options.ChainDistance, "the chain distance must lie between 0 (off) and the cut");
        if (!float.IsFinite(options.ChainMean) || options.ChainMean < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.ChainMean, "the chain mean must be a finite distance, 0 or more");

        var sorted = SortByStableKey(faces);
        if (sorted.Length == 0)
            return [];
        var matrix = new DescriptorMatrix(sorted.Select(f => f.Descriptor).ToArray());
        var pairs = NeighbourSearch.PairsWithin(matrix, options.Threshold, cancellationToken);

        // Components of the neighbour graph, with the faces pinned to one person joined as well.
        var components = new UnionFind(sorted.Length);
        for (var i = 0; i < pairs.Length; i++)
            foreach (var (j, _) in pairs[i])
                components.Union(i, j);
        var pinnedGroups = new Dictionary<long, List<int>>();
        for (var i = 0; i < sorted.Length; i++)
        {
            if (sorted[i].PinnedPerson is not { } person)
                continue;
            if (!pinnedGroups.TryGetValue(person, out var group))
                pinnedGroups[person] = group = [];
            else
                components.Union(group[0], i);
            group.Add(i);
        }

        // Components numbered in the order of their first stable key (faces are sorted by it).
        var componentOf = new Dictionary<int, int>();
        var members = new List<List<int>>();
        for (var i = 0; i < sorted.Length; i++)
        {
            var root = components.Find(i);
            if (!componentOf.TryGetValue(root, out var number))
            {
                componentOf[root] = number = members.Count;
                members.Add([]);
            }
            members[number].Add(i);
        }

        var linkage = new ComponentLinkage(sorted, matrix, pairs, options);
        var clusters = new List<(int First, FaceCluster Cluster)>(sorted.Length);
        for (var c = 0; c < members.Count; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var group in linkage.Run(members[c], cancellationToken))
            {
                group.Members.Sort();
                var faceIds = group.Members.Select(m => sorted[m].FaceId).ToArray();
                var pairCount = (double)group.Members.Count * (group.Members.Count - 1) / 2;
                var mean = pairCount == 0 ? 0f : (float)(group.InternalSum / pairCount);
                clusters.Add((group.Members[0], new FaceCluster(faceIds, group.Pinned, mean, c)));
            }
        }
        clusters.Sort(static (a, b) => a.First.CompareTo(b.First));
        return clusters.Select(c => c.Cluster).ToArray();
    }

    private static ClusterFace[] SortByStableKey(IReadOnlyList<ClusterFace> faces)
    {
        var sorted = new ClusterFace[faces.Count];
        var ids = new HashSet<long>();
        for (var i = 0; i < faces.Count; i++)
        {
            var face = faces[i] ?? throw new ArgumentException($"face {i} of the input is null", nameof(faces));
            if (string.IsNullOrEmpty(face.StableKey))
                throw new ArgumentException($"face {face.FaceId} has no stable key", nameof(faces));
            if (face.Descriptor is null || face.Descriptor.Length == 0)
                throw new ArgumentException($"face {face.FaceId} ({face.StableKey}) has no descriptor", nameof(faces));
            if (!ids.Add(face.FaceId))
                throw new ArgumentException($"face id {face.FaceId} appears twice", nameof(faces));
            sorted[i] = face;
        }
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.StableKey, b.StableKey));
        for (var i = 1; i < sorted.Length; i++)
            if (string.Equals(sorted[i - 1].StableKey, sorted[i].StableKey, StringComparison.Ordinal))
                throw new ArgumentException($"stable key '{sorted[i].StableKey}' appears twice (faces {sorted[i - 1].FaceId} and {sorted[i].FaceId})", nameof(faces));
        for (var i = 1; i < sorted.Length; i++)
            if (sorted[i].Descriptor.Length != sorted[0].Descriptor.Length)
                throw new ArgumentException(
                    $"face {sorted[i].FaceId} ({sorted[i].StableKey}) has a descriptor of {sorted[i].Descriptor.Length} values, face {sorted[0].FaceId} one of {sorted[0].Descriptor.Length}",
                    nameof(faces));
        return sorted;
    }

    /// <summary>A cluster while linkage runs; its id is its smallest face index (faces sorted by stable key), which is also its tie-break key.</summary>
    private sealed class Group(int id)
    {
        public int Id { get; } = id;
        public List<int> Members { get; } = [id];
        public HashSet<long> Photos { get; set; } = [];
        public long? Pinned { get; set; }
        public HashSet<long>? Rejected { get; set; }

        /// <summary>Neighbouring clusters (at least one graph edge between them, no cannot-link): the sum of all pairwise distances to them, and the nearest pair.</summary>
        public Dictionary<int, Link> Links { get; set; } = [];

        public double InternalSum { get; set; }

        public int Version { get; set; }

        /// <summary>The partner of the best allowed merge (see <see cref="ComponentLinkage"/>'s rule), or -1.</summary>
        public int BestOther { get; set; } = -1;

        public double BestMean { get; set; }
    }

    /// <summary>What two clusters' faces are to each other: the sum of every pairwise distance, and the smallest one.</summary>
    private readonly record struct Link(double Sum, double Nearest)
    {
        public Link Plus(Link other) => new(Sum + other.Sum, Math.Min(Nearest, other.Nearest));
    }

    private sealed class ComponentLinkage(ClusterFace[] faces, DescriptorMatrix matrix, List<(int Row, float Distance)>[] pairs, ClusteringOptions options)
    {
        private readonly float cut = options.Threshold;

        /// <summary>Whether two clusters may merge: their mean distance is under the cut, or a pair of them is under the chain distance and their mean under the chain mean.</summary>
        private bool Allowed(double mean, double nearest) =>
            mean < cut || (nearest < options.ChainDistance && mean < options.ChainMean);

        private readonly Group?[] groups = new Group?[faces.Length];
        private readonly int[] groupOf = new int[faces.Length];

        private static readonly Comparer<(double Mean, int Low, int High)> MergeOrder = Comparer<(double Mean, int Low, int High)>.Create(static (a, b) =>
        {
            var byMean = a.Mean.CompareTo(b.Mean);
            if (byMean != 0)
                return byMean;
            var byLow = a.Low.CompareTo(b.Low);
            return byLow != 0 ? byLow : a.High.CompareTo(b.High);
        });

        public List<Group> Run(List<int> component, CancellationToken cancellationToken)
        {
            var alive = Initialise(component);
            var queue = new PriorityQueue<(int Group, int Version), (double Mean, int Low, int High)>(MergeOrder);
            foreach (var group in alive)
            {
                ChooseBest(group);
                Enqueue(queue, group);
            }

            var merges = 0;
            while (queue.TryDequeue(out var entry, out _))
            {
                var group = groups[entry.Group];
                if (group is null || group.Version != entry.Version || group.BestOther < 0)
                    continue;
                if ((++merges & 63) == 0)
                    cancellationToken.ThrowIfCancellationRequested();
                Merge(group, groups[group.BestOther]!, queue);
            }

            var result = new List<Group>();
            foreach (var i in component)
                if (groups[i] is { } group)
                {
                    result.Add(group);
                    groups[i] = null;
                }
            return result;
        }

        /// <summary>Initial clusters: the faces pinned to one person together, every other face alone; links from the graph edges.</summary>
        private List<Group> Initialise(List<int> component)
        {
            var alive = new List<Group>();
            var byPerson = new Dictionary<long, Group>();
            foreach (var i in component)
            {
                var face = faces[i];
                Group group;
                if (face.PinnedPerson is { } person && byPerson.TryGetValue(person, out var pinned))
                {
                    group = pinned;
                    group.Members.Add(i);
                }
                else
                {
                    group = new Group(i) { Pinned = face.PinnedPerson };
                    groups[i] = group;
                    alive.Add(group);
                    if (face.PinnedPerson is { } first)
                        byPerson[first] = group;
                }
                groupOf[i] = group.Id;
                group.Photos.Add(face.PhotoId);
                if (face.RejectedPeople is { Count: > 0 } rejected)
                    (group.Rejected ??= []).UnionWith(rejected);
            }

            foreach (var group in byPerson.Values)
                group.InternalSum = SumWithin(group.Members);

            // Singletons take the edge distance as their link sum; a pair involving a pinned group is summed exactly.
            foreach (var i in component)
                foreach (var (j, distance) in pairs[i])
                {
                    var a = groups[groupOf[i]]!;
                    var b = groups[groupOf[j]]!;
                    if (a == b || a.Links.ContainsKey(b.Id) || Conflict(a, b))
                        continue;
                    var link = a.Members.Count == 1 && b.Members.Count == 1 ? new Link(distance, distance) : Between(a.Members, b.Members);
                    a.Links[b.Id] = link;
                    b.Links[a.Id] = link;
                }
            // The edges now live in the links; a large component would otherwise hold them twice.
            foreach (var i in component)
            {
                pairs[i].Clear();
                pairs[i].Capacity = 0;
            }
            return alive;
        }

        private void Merge(Group keep, Group gone, PriorityQueue<(int Group, int Version), (double Mean, int Low, int High)> queue)
        {
            if (gone.Id < keep.Id)
                (keep, gone) = (gone, keep);
            var between = keep.Links[gone.Id];
            keep.Links.Remove(gone.Id);
            gone.Links.Remove(keep.Id);
            groups[gone.Id] = null;

            // The constraints of the merged cluster first: a neighbour it conflicts with loses its link (cannot-links
            // only grow with a cluster, so that pair can never merge again) and needs no sum.
            if (keep.Photos.Count < gone.Photos.Count)
                (keep.Photos, gone.Photos) = (gone.Photos, keep.Photos);
            keep.Photos.UnionWith(gone.Photos);
            keep.Pinned ??= gone.Pinned;
            if (gone.Rejected is not null)
                (keep.Rejected ??= []).UnionWith(gone.Rejected);

            // Lance-Williams on sums: sum(A+B, K) = sum(A, K) + sum(B, K); a side with no edge to K is summed from the descriptors.
            var merged = new Dictionary<int, Link>(Math.Max(keep.Links.Count, gone.Links.Count));
            var touched = new List<Group>(keep.Links.Count + gone.Links.Count);
            foreach (var (otherId, sum) in keep.Links)
            {
                var other = groups[otherId]!;
                touched.Add(other);
                if (!Conflict(keep, other))
                    merged[otherId] = sum.Plus(gone.Links.TryGetValue(otherId, out var goneLink) ? goneLink : Between(gone.Members, other.Members));
            }
            foreach (var (otherId, sum) in gone.Links)
            {
                if (keep.Links.ContainsKey(otherId))
                    continue;
                var other = groups[otherId]!;
                touched.Add(other);
                if (!Conflict(keep, other))
                    merged[otherId] = sum.Plus(Between(keep.Members, other.Members));
            }

            keep.InternalSum += gone.InternalSum + between.Sum;
            keep.Members.AddRange(gone.Members);
            keep.Links = merged;
            gone.Links = [];

            foreach (var other in touched)
            {
                other.Links.Remove(gone.Id);
                var linked = merged.TryGetValue(other.Id, out var link);
                if (linked)
                    other.Links[keep.Id] = link;
                else
                    other.Links.Remove(keep.Id);
                if (other.BestOther == keep.Id || other.BestOther == gone.Id)
                {
                    ChooseBest(other);
                    Enqueue(queue, other);
                }
                else if (linked)
                {
                    var mean = link.Sum / ((double)other.Members.Count * keep.Members.Count);
                    if (Allowed(mean, link.Nearest) && (other.BestOther < 0 || Better(mean, other.Id, keep.Id, other.BestMean, other.Id, other.BestOther)))
                    {
                        other.BestOther = keep.Id;
                        other.BestMean = mean;
                        other.Version++;
                        Enqueue(queue, other);
                    }
                }
            }
            ChooseBest(keep);
            Enqueue(queue, keep);
        }

        private void ChooseBest(Group group)
        {
            group.Version++;
            group.BestOther = -1;
            foreach (var (other, link) in group.Links)
            {
                var mean = link.Sum / ((double)group.Members.Count * groups[other]!.Members.Count);
                if (Allowed(mean, link.Nearest) && (group.BestOther < 0 || Better(mean, group.Id, other, group.BestMean, group.Id, group.BestOther)))
                {
                    group.BestOther = other;
                    group.BestMean = mean;
                }
            }
        }

        private static void Enqueue(PriorityQueue<(int Group, int Version), (double Mean, int Low, int High)> queue, Group group)
        {
            if (group.BestOther >= 0)
                queue.Enqueue((group.Id, group.Version), (group.BestMean, Math.Min(group.Id, group.BestOther), Math.Max(group.Id, group.BestOther)));
        }

        private static bool Better(double mean, int a, int b, double bestMean, int c, int d) =>
            MergeOrder.Compare((mean, Math.Min(a, b), Math.Max(a, b)), (bestMean, Math.Min(c, d), Math.Max(c, d))) < 0;

        /// <summary>Cannot-links: a photo in both; pinned to two different people; a face in one rejects the person pinned in the other.</summary>
        private static bool Conflict(Group a, Group b)
        {
            if (a.Pinned is { } pa && b.Pinned is { } pb && pa != pb)
                return true;
            if (a.Pinned is { } pinnedA && b.Rejected?.Contains(pinnedA) == true)
                return true;
            if (b.Pinned is { } pinnedB && a.Rejected?.Contains(pinnedB) == true)
                return true;
            var (small, large) = a.Photos.Count <= b.Photos.Count ? (a.Photos, b.Photos) : (b.Photos, a.Photos);
            foreach (var photo in small)
                if (large.Contains(photo))
                    return true;
            return false;
        }

        private Link Between(List<int> a, List<int> b)
        {
            var sum = 0.0;
            var nearest = double.PositiveInfinity;
            foreach (var i in a)
                foreach (var j in b)
                {
                    double distance = matrix.Distance(i, j);
                    sum += distance;
                    nearest = Math.Min(nearest, distance);
                }
            return new Link(sum, nearest);
        }

        private double SumWithin(List<int> members)
        {
            var sum = 0.0;
            for (var x = 0; x < members.Count; x++)
                for (var y = x + 1; y < members.Count; y++)
                    sum += matrix.Distance(members[x], members[y]);
            return sum;
        }
    }

    private sealed class UnionFind
    {
        private readonly int[] parent;

        public UnionFind(int count)
        {
            parent = new int[count];
            for (var i = 0; i < count; i++)
                parent[i] = i;
        }

        public int Find(int item)
        {
            var root = item;
            while (parent[root] != root)
                root = parent[root];
            while (parent[item] != root)
                (parent[item], item) = (root, parent[item]);
            return root;
        }

        /// <summary>Joins two sets; the smaller index becomes the root, so roots do not depend on the order of unions.</summary>
        public void Union(int a, int b)
        {
            var ra = Find(a);
            var rb = Find(b);
            if (ra < rb)
                parent[rb] = ra;
            else if (rb < ra)
                parent[ra] = rb;
        }
    }
}
