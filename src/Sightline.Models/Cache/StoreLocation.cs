namespace Sightline.Models.Cache;

/// <summary>
/// Where the per-user cache lives: <c>SIGHTLINE_HOME</c> when set, else <c>$XDG_CACHE_HOME/sightline</c>,
/// else <c>~/.cache/sightline</c>.
/// </summary>
public static class StoreLocation
{
    public static string Resolve(Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        if (env("SIGHTLINE_HOME") is { Length: > 0 } home)
            return Path.GetFullPath(home);
        var xdg = env("XDG_CACHE_HOME");
        var root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "sightline");
    }
}
