namespace Sightline.Library.Ingestion;

/// <summary>What to do with a file once its content hash is known.</summary>
public enum HashDecision
{
    /// <summary>The first file of this content: read its metadata and analyse it.</summary>
    Analyse,

    /// <summary>The library already holds this content: only link the path (a moved, renamed or duplicated file).</summary>
    LinkToStored,

    /// <summary>Another file of this scan has the same content and is being analysed: link the path once that one is committed.</summary>
    LinkToPending,
}

/// <summary>
/// Which file of a scan analyses each content hash, so that two new files with the same bytes are analysed once.
/// Thread-safe: files in flight claim hashes concurrently.
/// </summary>
public sealed class DuplicateClaims
{
    private readonly Dictionary<string, bool> _claimed = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <param name="hash">The file's content hash.</param>
    /// <param name="stored">Whether the library held this hash when the file was hashed.</param>
    public HashDecision Claim(string hash, bool stored)
    {
        lock (_gate)
        {
            if (stored)
                return HashDecision.LinkToStored;
            if (_claimed.ContainsKey(hash))
                return HashDecision.LinkToPending;
            _claimed[hash] = true;
            return HashDecision.Analyse;
        }
    }
}
