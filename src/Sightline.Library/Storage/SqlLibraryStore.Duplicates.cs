using Dapper;
using Sightline.Library.Duplicates;

namespace Sightline.Library.Storage;

/// <summary>The reads of duplicate finding and export (see <see cref="IDuplicateSource"/>), on the same database as the photos.</summary>
internal abstract partial class SqlLibraryStore : IDuplicateSource
{
    public Task<IReadOnlyList<DuplicateCandidate>> GetDuplicateCandidatesAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<DuplicateCandidate>>(false, async (c, t) =>
        {
            // Offline photos (no path left) are left out: there is nothing of them to keep or remove.
            var rows = await c.QueryAsync<CandidateRow>(new Dapper.CommandDefinition(
                "SELECT e.media_id, m.content_hash, e.model, e.vector, m.taken_sort FROM embeddings e JOIN media m ON m.id = e.media_id " +
                "WHERE m.kind = @photo AND EXISTS (SELECT 1 FROM files f WHERE f.media_id = m.id) ORDER BY e.media_id",
                new { photo = (int)MediaKind.Photo }, t, cancellationToken: cancellationToken));
            return rows.Select(r => new DuplicateCandidate(r.MediaId, r.ContentHash, r.Model, StoreValues.FromBlob(r.Vector, "embedding vector")!, r.TakenSort)).ToList();
        }, cancellationToken);

    public Task<IReadOnlyList<long>> GetMultiPathPhotosAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<long>>(false, async (c, t) =>
            (await c.QueryAsync<long>(new Dapper.CommandDefinition(
                "SELECT media_id FROM files WHERE media_id IS NOT NULL GROUP BY media_id HAVING count(*) > 1 ORDER BY media_id",
                null, t, cancellationToken: cancellationToken))).ToList(), cancellationToken);

    public Task<IReadOnlyDictionary<(FaceOrigin Origin, int Index), string>> GetFacePeopleAsync(long photoId, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyDictionary<(FaceOrigin Origin, int Index), string>>(false, async (c, t) =>
            (await c.QueryAsync<FacePersonRow>(new Dapper.CommandDefinition(
                "SELECT f.origin, f.face_index, p.name FROM faces f JOIN people p ON p.id = f.person_id WHERE f.media_id = @photoId AND p.name IS NOT NULL",
                new { photoId }, t, cancellationToken: cancellationToken)))
            .ToDictionary(r => ((FaceOrigin)r.Origin, r.FaceIndex), r => r.Name), cancellationToken);

    private sealed class CandidateRow
    {
        public long MediaId { get; set; }
        public string ContentHash { get; set; } = "";
        public string Model { get; set; } = "";
        public byte[] Vector { get; set; } = [];
        public long? TakenSort { get; set; }
    }

    private sealed class FacePersonRow
    {
        public int Origin { get; set; }
        public int FaceIndex { get; set; }
        public string Name { get; set; } = "";
    }
}
