namespace Sightline.Library.Tests;

public sealed class LibraryManifestTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-manifest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_folder_without_library_json_is_not_a_library_and_the_message_says_how_to_make_one()
    {
        var e = Assert.Throws<LibraryStoreException>(() => LibraryManifest.Read(_dir));
        Assert.Equal($"{_dir} is not a Sightline library (no library.json): run sightline library init {_dir}", e.Message);
    }

    [Theory]
    [InlineData("{ garbled")]
    [InlineData("{\"format\": 1}")]
    [InlineData("null")]
    public void A_garbled_library_json_is_not_a_library(string text)
    {
        File.WriteAllText(LibraryManifest.PathIn(_dir), text);
        var e = Assert.Throws<LibraryStoreException>(() => LibraryManifest.Read(_dir));
        Assert.Contains("is not a Sightline library", e.Message);
        Assert.Contains("sightline library init", e.Message);
    }

    [Fact]
    public void A_library_of_a_newer_format_is_refused_with_what_to_do()
    {
        File.WriteAllText(LibraryManifest.PathIn(_dir), "{\"format\": 99, \"database\": \"sqlite:library.db\"}");
        var e = Assert.Throws<LibraryStoreException>(() => LibraryManifest.Read(_dir));
        Assert.Contains("newer Sightline", e.Message);
    }

    [Fact]
    public void Written_and_read_back_it_is_the_same_and_no_temporary_file_is_left()
    {
        new LibraryManifest(1, "sqlite:library.db").Write(_dir);
        Assert.Equal(new LibraryManifest(1, "sqlite:library.db"), LibraryManifest.Read(_dir));
        Assert.Contains("\"format\": 1", File.ReadAllText(LibraryManifest.PathIn(_dir)));
        Assert.Equal([LibraryManifest.FileName], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_source_folder_is_normalised_and_must_exist_outside_the_library()
    {
        var library = Directory.CreateDirectory(Path.Combine(_dir, "lib")).FullName;
        var photos = Directory.CreateDirectory(Path.Combine(_dir, "photos")).FullName;
        Assert.Equal(photos, PhotoLibrary.SourceFolderPath(photos + "/", library));
        Assert.Equal(photos, PhotoLibrary.SourceFolderPath(Path.Combine(_dir, "lib", "..", "photos"), library));
        Assert.Contains("does not exist", Assert.Throws<LibraryInputException>(() => PhotoLibrary.SourceFolderPath(Path.Combine(_dir, "missing"), library)).Message);
        Directory.CreateDirectory(Path.Combine(library, "inside"));
        Assert.Contains("inside the library folder", Assert.Throws<LibraryInputException>(() => PhotoLibrary.SourceFolderPath(Path.Combine(library, "inside"), library)).Message);
        Assert.Contains("inside the library folder", Assert.Throws<LibraryInputException>(() => PhotoLibrary.SourceFolderPath(library, library)).Message);
        File.WriteAllText(Path.Combine(_dir, "file.jpg"), "x");
        Assert.Contains("is a file", Assert.Throws<LibraryInputException>(() => PhotoLibrary.SourceFolderPath(Path.Combine(_dir, "file.jpg"), library)).Message);
    }
}
