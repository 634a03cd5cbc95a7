using Sightline.Faces.Evaluation;
using Sightline.Tests.Shared;

namespace Sightline.Faces.Tests.Evaluation;

public sealed class CsvReadersTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-csv-").FullName;

    public CsvReadersTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "images"));
        foreach (var name in new[] { "a1.png", "a2.png", "b1.png", "b, odd.png" })
            File.WriteAllBytes(Path.Combine(_dir, "images", name), [0]);
    }

    private string Csv(string text, string name = "pairs.csv")
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string Image(string name) => Path.Combine(_dir, "images", name);

    [Fact]
    public void Reads_pairs_resolving_relative_paths_against_the_csv_folder()
    {
        var path = Csv($"""
            file_x,file_y,same
            images/a1.png,images/a2.png,1
            images/a1.png,{Image("b1.png")},0

            images/a2.png,"images/b, odd.png",FALSE
            images/a2.png, images/a1.png ,True
            """);
        var pairs = FacePairsCsv.Read(path);
        Assert.Equal(
            [
                new FacePair(Image("a1.png"), Image("a2.png"), true, 2),
                new FacePair(Image("a1.png"), Image("b1.png"), false, 3),
                new FacePair(Image("a2.png"), Image("b, odd.png"), false, 5),
                new FacePair(Image("a2.png"), Image("a1.png"), true, 6),
            ],
            pairs);
    }

    [Fact]
    public void Columns_may_come_in_any_order_and_case_among_others()
    {
        var path = Csv("Same,note,FILE_Y,file_x\n0,hello,images/a1.png,images/b1.png\n");
        Assert.Equal([new FacePair(Image("b1.png"), Image("a1.png"), false, 2)], FacePairsCsv.Read(path));
    }

    [Theory]
    [InlineData("file_x,file_y\nimages/a1.png,images/a2.png\n", "line 1: there is no column 'same'")]
    [InlineData("file_x,file_y,same\nimages/a1.png,images/a2.png,maybe\n", "line 2: 'same' is 'maybe'; expected 1, 0, true or false")]
    [InlineData("file_x,file_y,same\nimages/a1.png,images/a2.png,1\nimages/a1.png,images/zz.png,0\n", "line 3: image 'images/zz.png' does not exist")]
    [InlineData("file_x,file_y,same\nimages/a1.png,1\n", "line 2: has 2 fields where the header has 3")]
    [InlineData("file_x,file_y,same\nimages/a1.png,,1\n", "line 2: 'file_y' is empty")]
    [InlineData("file_x,file_y,same\n\"images/a1.png,images/a2.png,1\n", "line 2: a quoted field is not closed")]
    [InlineData("file_x,file_y,same\n", "has a header but no pairs")]
    [InlineData("\n\n", "is empty")]
    public void Pairs_file_errors_name_the_file_and_the_line(string text, string reason)
    {
        var path = Csv(text);
        var error = Assert.Throws<EvaluationException>(() => FacePairsCsv.Read(path));
        Assert.Contains($"pairs file '{path}'", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void A_missing_csv_is_named()
    {
        var missing = Path.Combine(_dir, "nope.csv");
        Assert.Contains($"'{missing}' does not exist", Assert.Throws<EvaluationException>(() => FacePairsCsv.Read(missing)).Message);
        Assert.Contains($"'{missing}' does not exist", Assert.Throws<EvaluationException>(() => LabelsCsv.Read(missing, "identity")).Message);
    }

    [Fact]
    public void Reads_labels_and_refuses_empty_labels_repeats_and_missing_columns()
    {
        var path = Csv("file,identity\nimages/a1.png,amy\nimages/b1.png, bob \n", "labels.csv");
        Assert.Equal([new LabelledFile(Image("a1.png"), "amy", 2), new LabelledFile(Image("b1.png"), "bob", 3)], LabelsCsv.Read(path, "identity"));
        Assert.Contains("line 1: there is no column 'emotion'", Assert.Throws<EvaluationException>(() => LabelsCsv.Read(path, "emotion")).Message);

        var empty = Csv("file,identity\nimages/a1.png,\n", "empty.csv");
        Assert.Contains("line 2: 'identity' is empty", Assert.Throws<EvaluationException>(() => LabelsCsv.Read(empty, "identity")).Message);
        var twice = Csv("file,identity\nimages/a1.png,amy\n./images/a1.png,bob\n", "twice.csv");
        var error = Assert.Throws<EvaluationException>(() => LabelsCsv.Read(twice, "identity"));
        Assert.Contains($"labels file '{twice}' line 3: image './images/a1.png' is already listed on line 2", error.Message);
    }

    [Fact]
    public void Reads_the_shared_faces_bbt_identities_and_emotions()
    {
        var root = TestPaths.Data("faces-bbt");
        var identities = LabelsCsv.Read(Path.Combine(root, "identities.csv"), "identity");
        Assert.Equal(40, identities.Count);
        Assert.Equal(["amy", "bernadette", "howard", "leonard", "penny", "raj", "sheldon", "stuart"], identities.Select(i => i.Label).Distinct().Order());
        Assert.All(identities, i => Assert.True(File.Exists(i.File), i.File));
        Assert.Equal(Path.Combine(root, "images", "amy", "amy1.png"), identities[0].File);

        var emotions = LabelsCsv.Read(Path.Combine(root, "emotions.csv"), "emotion");
        Assert.Equal(["angry", "disgusted", "fearful", "happy", "neutral", "sad", "surprised"], emotions.Select(e => e.Label));
        Assert.All(emotions, e => Assert.Equal(e.Label, Path.GetFileNameWithoutExtension(e.File)));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
