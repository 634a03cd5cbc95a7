using System.Xml.Linq;

namespace Sightline.Models.Registry;

/// <summary>
/// Where packages are fetched from, read the way npm and NuGet read their own configuration, so that a
/// machine set up for a mirror or an offline folder works without extra settings.
/// </summary>
public sealed record RegistryConfiguration(Uri NpmRegistry, IReadOnlyList<string> NuGetSources)
{
    public static readonly Uri DefaultNpmRegistry = new("https://registry.npmjs.org/");
    public const string DefaultNuGetSource = "https://api.nuget.org/v3/index.json";

    /// <summary>Reads npm's and NuGet's configuration for the current user and directory.</summary>
    public static RegistryConfiguration FromEnvironment(string? workingDirectory = null)
    {
        var cwd = workingDirectory ?? Directory.GetCurrentDirectory();
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new RegistryConfiguration(ReadNpmRegistry(cwd, home, Environment.GetEnvironmentVariable), ReadNuGetSources(cwd, home));
    }

    /// <summary>
    /// npm's precedence: the environment (<c>NPM_CONFIG_REGISTRY</c>, any case), then the project's
    /// <c>.npmrc</c>, the user's <c>~/.npmrc</c> (or <c>NPM_CONFIG_USERCONFIG</c>), then the built-in default.
    /// </summary>
    internal static Uri ReadNpmRegistry(string cwd, string home, Func<string, string?> env)
    {
        var fromEnv = env("NPM_CONFIG_REGISTRY") ?? env("npm_config_registry");
        if (!string.IsNullOrWhiteSpace(fromEnv))
            return ParseRegistry(fromEnv, "NPM_CONFIG_REGISTRY");
        var userConfig = env("NPM_CONFIG_USERCONFIG") ?? env("npm_config_userconfig") ?? Path.Combine(home, ".npmrc");
        foreach (var file in new[] { Path.Combine(cwd, ".npmrc"), userConfig })
        {
            if (!File.Exists(file))
                continue;
            foreach (var raw in File.ReadLines(file))
            {
                var line = raw.Trim();
                if (line.StartsWith('#') || line.StartsWith(';'))
                    continue;
                var eq = line.IndexOf('=');
                if (eq > 0 && line[..eq].Trim() == "registry")
                    return ParseRegistry(line[(eq + 1)..].Trim().Trim('"'), file);
            }
        }
        return DefaultNpmRegistry;
    }

    private static Uri ParseRegistry(string value, string origin)
    {
        if (!Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new ModelStoreException(ModelStoreErrorKind.Configuration, $"npm registry '{value}' (from {origin}) is not an http(s) URL");
        return uri;
    }

    /// <summary>
    /// NuGet's layering: the user's NuGet.Config, then every NuGet.Config from the root down to the
    /// working directory, where a later file adds sources and <c>&lt;clear/&gt;</c> drops the earlier ones.
    /// </summary>
    internal static IReadOnlyList<string> ReadNuGetSources(string cwd, string home)
    {
        var files = new List<string>();
        foreach (var name in new[] { "NuGet.Config", "NuGet.config", "nuget.config" })
        {
            var user = Path.Combine(home, ".nuget", "NuGet", name);
            if (File.Exists(user)) { files.Add(user); break; }
        }
        var chain = new List<string>();
        for (var dir = new DirectoryInfo(cwd); dir is not null; dir = dir.Parent)
        {
            var found = new[] { "NuGet.Config", "NuGet.config", "nuget.config" }.Select(n => Path.Combine(dir.FullName, n)).FirstOrDefault(File.Exists);
            if (found is not null)
                chain.Add(found);
        }
        chain.Reverse();
        files.AddRange(chain);

        var sources = new List<(string Key, string Value)>();
        var disabled = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var sawAny = false;
        foreach (var file in files.Distinct())
        {
            XDocument doc;
            try { doc = XDocument.Load(file); }
            catch (Exception e) when (e is System.Xml.XmlException or IOException)
            {
                throw new ModelStoreException(ModelStoreErrorKind.Configuration, $"cannot read NuGet configuration '{file}': {e.Message}", e);
            }
            var section = doc.Root?.Element("packageSources");
            if (section is not null)
            {
                sawAny = true;
                foreach (var element in section.Elements())
                {
                    if (element.Name.LocalName == "clear")
                        sources.Clear();
                    else if (element.Name.LocalName == "add" && element.Attribute("key")?.Value is { } key && element.Attribute("value")?.Value is { } value)
                    {
                        sources.RemoveAll(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase));
                        sources.Add((key, Path.IsPathRooted(value) || value.Contains("://") ? value : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, value))));
                    }
                }
            }
            foreach (var element in doc.Root?.Element("disabledPackageSources")?.Elements("add") ?? [])
                if (element.Attribute("value")?.Value.Equals("true", StringComparison.OrdinalIgnoreCase) == true && element.Attribute("key")?.Value is { } key)
                    disabled.Add(key);
        }
        var enabled = sources.Where(s => !disabled.Contains(s.Key)).Select(s => s.Value).ToList();
        return sawAny ? enabled : [DefaultNuGetSource];
    }
}
