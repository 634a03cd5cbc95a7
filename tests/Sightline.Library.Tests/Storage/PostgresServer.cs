using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Sightline.Library.Tests.Storage;

/// <summary>
/// The PostgreSQL the tests use: the server in SIGHTLINE_TEST_POSTGRES (a postgres:// URL or an Npgsql connection
/// string of a user who may create databases) when set; otherwise a throwaway server this fixture starts with
/// initdb and pg_ctl in a temporary folder, on a free loopback port, and stops and deletes at the end. As root (a CI
/// container) the server runs as the postgres user, since initdb refuses to run as root.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string EnvironmentVariable = "SIGHTLINE_TEST_POSTGRES";

    public const string NotInstalled =
        "PostgreSQL is not installed: the PostgreSQL store tests start a private server with initdb and pg_ctl. " +
        "Install it (Debian: apt-get install postgresql) or set " + EnvironmentVariable + "=postgres://user:password@host:port/database to use a running server.";

    private const string ServerUser = "postgres";

    private readonly List<string> databases = [];
    private string? folder;
    private string? pgCtl;
    private bool asServerUser;

    public NpgsqlConnectionStringBuilder Admin { get; private set; } = new();

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } given)
        {
            Admin = given.Contains("://", StringComparison.Ordinal)
                ? Sightline.Library.Storage.LibraryStores.PostgresConnection(given)
                : new NpgsqlConnectionStringBuilder(given);
            return;
        }
        var bin = FindBinaries(Environment.GetEnvironmentVariable("PATH"), Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [])
            ?? throw new InvalidOperationException(NotInstalled);
        pgCtl = Path.Combine(bin, "pg_ctl");
        asServerUser = Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root" || GetEffectiveUserId() == 0;

        folder = Path.Combine(Path.GetTempPath(), "sightline-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        if (asServerUser && !OperatingSystem.IsWindows())
            // The server user creates its data folder and socket in here.
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);
        var data = Path.Combine(folder, "data");
        var port = FreePort();
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "sightline", "-E", "UTF8", "--locale=C", "--no-sync"]);
        await RunAsync(pgCtl, ["-D", data, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "-o",
            $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start"]);
        Admin = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = "sightline", Database = "postgres", Pooling = false };
    }

    /// <summary>A new empty database, as a postgres:// spec.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "sightline_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(AdminConnectionString()))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        lock (databases)
            databases.Add(name);
        var user = Uri.EscapeDataString(Admin.Username ?? "");
        var password = string.IsNullOrEmpty(Admin.Password) ? "" : ":" + Uri.EscapeDataString(Admin.Password);
        return $"postgres://{user}{password}@{Admin.Host}:{Admin.Port}/{name}";
    }

    public async Task DropDatabaseAsync(string spec)
    {
        var name = spec[(spec.LastIndexOf('/') + 1)..];
        await using var connection = new NpgsqlConnection(AdminConnectionString());
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
        lock (databases)
            databases.Remove(name);
    }

    private string AdminConnectionString() => new NpgsqlConnectionStringBuilder(Admin.ConnectionString) { Pooling = false }.ConnectionString;

    public async Task DisposeAsync()
    {
        if (folder is null)
        {
            foreach (var name in databases.ToList())
                await DropDatabaseAsync($"/{name}");
            return;
        }
        try
        {
            await RunAsync(pgCtl!, ["-D", Path.Combine(folder, "data"), "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The folder with initdb and pg_ctl: on the PATH first, then the newest of Debian's /usr/lib/postgresql/N/bin.</summary>
    internal static string? FindBinaries(string? path, IEnumerable<string> versionFolders)
    {
        static bool HasBoth(string dir) => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));
        foreach (var dir in (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            if (HasBoth(dir))
                // A link on the PATH (Debian puts none there; images often do) leads to the folder of the real binaries.
                return Path.GetDirectoryName(new FileInfo(Path.Combine(dir, "initdb")).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.Combine(dir, "initdb"));
        return versionFolders
            .Select(v => (Version: int.TryParse(Path.GetFileName(v), out var n) ? n : -1, Bin: Path.Combine(v, "bin")))
            .Where(v => v.Version >= 0 && HasBoth(v.Bin))
            .OrderByDescending(v => v.Version)
            .Select(v => v.Bin)
            .FirstOrDefault();
    }

    private async Task RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asServerUser)
        {
            start.FileName = "runuser";
            foreach (var a in new[] { "-u", ServerUser, "--", program })
                start.ArgumentList.Add(a);
        }
        else
            start.FileName = program;
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            var log = folder is not null && File.Exists(Path.Combine(folder, "server.log")) ? await File.ReadAllTextAsync(Path.Combine(folder, "server.log")) : "";
            var hint = asServerUser ? $" (run as the {ServerUser} user because initdb refuses root: does that user exist? Debian's postgresql package creates it)" : "";
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}{hint}:\n{await output}{await error}{log}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();
}
