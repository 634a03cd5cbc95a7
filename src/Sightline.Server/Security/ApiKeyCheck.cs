using System.Security.Cryptography;
using System.Text;

namespace Sightline.Server.Security;

/// <summary>
/// Compares a presented API key with the configured ones in constant time: both sides are hashed to
/// fixed-length digests first, so neither the length nor the content of a key leaks through timing.
/// </summary>
public sealed class ApiKeyCheck(IEnumerable<string> keys)
{
    private readonly byte[][] _digests = keys.Where(k => !string.IsNullOrEmpty(k)).Select(Digest).ToArray();

    public bool Required => _digests.Length > 0;

    public bool Accepts(string? presented)
    {
        if (!Required)
            return true;
        var digest = Digest(presented ?? "");
        var match = false;
        foreach (var known in _digests)
            match |= CryptographicOperations.FixedTimeEquals(known, digest);
        return match && !string.IsNullOrEmpty(presented);
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
