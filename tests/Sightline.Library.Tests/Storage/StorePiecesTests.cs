using Sightline.Library.Storage;

namespace Sightline.Library.Tests.Storage;

public sealed class StorePiecesTests
{
    [Fact]
    public void Vectors_round_trip_as_little_endian_float32()
    {
        float[] values = [1.5f, -0f, float.MaxValue, 1e-30f];
        var blob = StoreValues.ToBlob(values)!;
        Assert.Equal(16, blob.Length);
        Assert.Equal([0, 0, 0xC0, 0x3F], blob[..4]);
        Assert.Equal(values, StoreValues.FromBlob(blob, "descriptor"));
        Assert.Null(StoreValues.ToBlob(null));
        Assert.Contains("descriptor has 5 bytes", Assert.Throws<LibraryStoreException>(() => StoreValues.FromBlob(new byte[5], "descriptor")).Message);
    }

    [Fact]
    public void The_sort_key_is_the_instant_when_the_offset_is_known_and_the_clock_otherwise()
    {
        var noon = new DateTime(2024, 3, 1, 12, 0, 0);
        Assert.Equal(new DateTimeOffset(noon, TimeSpan.FromHours(2)).ToUnixTimeMilliseconds(), StoreValues.TakenSortKey(noon, TimeSpan.FromHours(2)));
        Assert.Equal(new DateTimeOffset(noon, TimeSpan.Zero).ToUnixTimeMilliseconds(), StoreValues.TakenSortKey(noon, null));
        Assert.Null(StoreValues.TakenSortKey(null, TimeSpan.FromHours(1)));
        Assert.Equal(noon, StoreValues.LocalFromMilliseconds(StoreValues.LocalToMilliseconds(noon)));
        Assert.Equal(DateTimeKind.Unspecified, StoreValues.LocalFromMilliseconds(0).Kind);
    }

    [Fact]
    public void A_cursor_reads_back_and_a_foreign_or_broken_one_is_refused()
    {
        var cursor = new PhotoCursor(PhotoOrder.TakenAscending, true, -5, 42);
        Assert.Equal(cursor, PhotoCursor.Parse(cursor.ToString(), PhotoOrder.TakenAscending));
        Assert.Contains("another order", Assert.Throws<ArgumentException>(() => PhotoCursor.Parse(cursor.ToString(), PhotoOrder.AddedDescending)).Message);
        Assert.Contains("\"page 2\" is not a cursor", Assert.Throws<ArgumentException>(() => PhotoCursor.Parse("page 2", PhotoOrder.TakenAscending)).Message);
    }

    [Fact]
    public void Specs_open_sqlite_relative_to_the_library_or_absolute_and_postgres_without_showing_the_password()
    {
        var library = Path.Combine(Path.GetTempPath(), "sightline-spec-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Equal(Path.Combine(library, "db", "library.db"), LibraryStores.SqlitePath("sqlite:db/library.db", library));
            Assert.Equal(Path.Combine(library, "abs.db"), LibraryStores.SqlitePath($"sqlite:{library}/abs.db", "/elsewhere"));
        }
        finally
        {
            Directory.Delete(library, recursive: true);
        }

        var builder = LibraryStores.PostgresConnection("postgresql://ada:s%3Acret@db.example:6543/photos?sslmode=require");
        Assert.Equal(("ada", "s:cret", "db.example", 6543, "photos"), (builder.Username, builder.Password!, builder.Host!, builder.Port, builder.Database!));
        Assert.Equal(5432, LibraryStores.PostgresConnection("postgres://ada@db.example/photos").Port);
        Assert.Equal("postgres://ada:***@db.example:6543/photos", LibraryStores.Redact("postgres://ada:secret@db.example:6543/photos"));
    }

    [Fact]
    public async Task A_postgres_store_names_its_place_without_the_password()
    {
        await using var store = await LibraryStores.OpenAsync("postgres://ada:secret@db.example:6543/photos", "/library");
        Assert.Equal((StoreKind.Postgres, "postgres://ada@db.example:6543/photos"), (store.Kind, store.Location));
    }

    [Theory]
    [InlineData("mysql://ada:secret@db/photos", "mysql://ada:***@db/photos")]
    [InlineData("library.db", "library.db")]
    [InlineData("sqlite:", "sqlite:")]
    [InlineData("postgres://ada:secret@db.example:6543/", "postgres://ada:***@db.example:6543/")]
    [InlineData("postgres://db.example/photos?colour=blue", "colour")]
    public async Task A_spec_no_backend_can_open_is_refused_naming_it(string spec, string named)
    {
        var refused = await Assert.ThrowsAsync<LibraryStoreException>(() => LibraryStores.OpenAsync(spec, "/library"));
        Assert.Contains(named, refused.Message);
        Assert.DoesNotContain("secret", refused.Message);
    }

    [Theory]
    [InlineData(13, "the disk holding /l/library.db is full")]
    [InlineData(8, "/l/library.db is read-only")]
    [InlineData(1544, "/l/library.db is read-only")]
    [InlineData(5, "/l/library.db is locked by another process")]
    public void Sqlite_result_codes_read_in_plain_words(int code, string expected) =>
        Assert.StartsWith(expected, SqliteLibraryStore.Describe(code, "/l/library.db", TimeSpan.FromSeconds(30)));
}
