using System.Security.Cryptography;

namespace Sightline.Models.Registry;

/// <summary>A subresource-integrity hash ("sha512-" + base64), as npm publishes for every package.</summary>
public readonly record struct Integrity(HashAlgorithmName Algorithm, byte[] Digest)
{
    public static Integrity Parse(string text)
    {
        var dash = text.IndexOf('-');
        if (dash <= 0)
            throw new FormatException($"'{text}' is not an integrity string (expected e.g. sha512-<base64>)");
        var algorithm = text[..dash].ToLowerInvariant() switch
        {
            "sha512" => HashAlgorithmName.SHA512,
            "sha384" => HashAlgorithmName.SHA384,
            "sha256" => HashAlgorithmName.SHA256,
            "sha1" => HashAlgorithmName.SHA1,
            var other => throw new FormatException($"unsupported integrity algorithm '{other}'"),
        };
        return new Integrity(algorithm, Convert.FromBase64String(text[(dash + 1)..]));
    }

    public static Integrity Of(HashAlgorithmName algorithm, byte[] digest) => new(algorithm, digest);

    public bool Matches(ReadOnlySpan<byte> digest) => CryptographicOperations.FixedTimeEquals(Digest, digest);

    public override string ToString() => $"{Algorithm.Name!.ToLowerInvariant()}-{Convert.ToBase64String(Digest)}";
}
