using Sightline.Library.Storage;

namespace Sightline.Library.Tests.Storage;

public sealed class PostgresLibraryStoreTests(PostgresServer server) : LibraryStoreContractTests, IClassFixture<PostgresServer>
{
    private string? spec;

    protected override async Task<(string Spec, string LibraryFolder)> NewDatabaseAsync()
    {
        spec = await server.CreateDatabaseAsync();
        return (spec, Path.GetTempPath());
    }

    protected override async Task DeleteDatabaseAsync()
    {
        if (spec is not null)
            await server.DropDatabaseAsync(spec);
    }

    [Fact]
    public async Task A_server_that_refuses_the_connection_is_named_without_the_password()
    {
        var port = FreeLoopbackPort();
        await using var store = await LibraryStores.OpenAsync($"postgres://ada:secret@127.0.0.1:{port}/photos", "/library");

        var refused = await Assert.ThrowsAsync<LibraryStoreException>(() => store.GetCountsAsync());
        Assert.Equal($"library database postgres://ada@127.0.0.1:{port}/photos: the PostgreSQL server refused the connection (is it running, on that host and port?)", refused.Message);
        var migrating = await Assert.ThrowsAsync<LibraryStoreException>(() => store.MigrateAsync());
        Assert.DoesNotContain("secret", migrating.Message);
        Assert.Contains("refused the connection", migrating.Message);
    }

    [Fact]
    public void The_binaries_are_found_on_the_path_or_in_the_newest_debian_folder_and_their_absence_says_how_to_install()
    {
        var root = Path.Combine(Path.GetTempPath(), "sightline-pgbin-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var version in new[] { "13", "16" })
            {
                var bin = Directory.CreateDirectory(Path.Combine(root, version, "bin")).FullName;
                System.IO.File.WriteAllText(Path.Combine(bin, "initdb"), "");
                System.IO.File.WriteAllText(Path.Combine(bin, "pg_ctl"), "");
            }
            Directory.CreateDirectory(Path.Combine(root, "16-incomplete", "bin"));
            Assert.Equal(Path.Combine(root, "16", "bin"), PostgresServer.FindBinaries("/nowhere", Directory.GetDirectories(root)));
            Assert.Equal(Path.Combine(root, "13", "bin"), PostgresServer.FindBinaries(Path.Combine(root, "13", "bin"), Directory.GetDirectories(root)));
            Assert.Null(PostgresServer.FindBinaries("/nowhere", []));
            Assert.Contains("apt-get install postgresql", PostgresServer.NotInstalled);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
