using System.Text.Json;
using Sightline.Cli.Commands;
using Sightline.Library.People;
using Sightline.Tests.Shared.People;

namespace Sightline.Cli.Tests.Library;

/// <summary>
/// <c>sightline library people</c> on a library whose faces the test committed itself (<see cref="PeopleLibrary"/>:
/// A with 4 faces, B with 3, C with 2 near A, a stranger and a face without a descriptor): every command, its
/// --json shape (the records of <see cref="PeopleService"/>) and the exit code of each bad input.
/// </summary>
public sealed class PeopleCommandTests : IAsyncLifetime
{
    private PeopleLibrary _library = null!;

    public async Task InitializeAsync() => _library = await PeopleLibrary.CreateAsync();

    public async Task DisposeAsync() => await _library.DisposeAsync();

    private Task<CliRunner.Result> People(params string[] args) => CliRunner.RunAsync(["library", "people", .. args]);

    private Task<CliRunner.Result> PeopleJson(params string[] args) => CliRunner.RunAsync(["--json", "library", "people", .. args]);

    private string Lib => _library.Folder;

    private string Id(string label) => $"{_library.Person(label)}";

    private string Face(string label) => $"{_library.Face(label)}";

    private static void AssertOk(CliRunner.Result result) => Assert.True(result.ExitCode == ExitCodes.Ok, $"exit {result.ExitCode}: {result.Error}");

    private static long[] Ids(JsonElement array, string property) => array.EnumerateArray().Select(e => e.GetProperty(property).GetInt64()).Order().ToArray();

    /// <summary>The cells of each row of a printed table (its lines between the vertical borders).</summary>
    private static List<string[]> Rows(string output) =>
        output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('│'))
            .Select(l => l.Trim('│').Split('│').Select(c => c.Trim()).ToArray()).ToList();

    /// <summary>The row of a printed table whose first cell is <paramref name="first"/>.</summary>
    private static string[] Row(string output, string first) => Rows(output).Single(r => r[0] == first);

    [Fact]
    public async Task The_list_is_a_table_of_each_person_with_counts_cover_and_photo_and_json_the_summaries()
    {
        var json = await PeopleJson(Lib);
        AssertOk(json);
        var people = json.Json.EnumerateArray().ToList();
        Assert.Equal(new[] { _library.Person("A0"), _library.Person("B0"), _library.Person("C0") }.Order(), Ids(json.Json, "id"));
        var a = people.Single(p => p.GetProperty("id").GetInt64() == _library.Person("A0"));
        Assert.Equal((4, 4), (a.GetProperty("faceCount").GetInt32(), a.GetProperty("photoCount").GetInt32()));
        Assert.False(a.TryGetProperty("name", out _), "an unnamed person has no name in the JSON");
        Assert.False(a.GetProperty("hidden").GetBoolean());
        Assert.False(a.GetProperty("confirmed").GetBoolean());
        var cover = a.GetProperty("coverFaceId").GetInt64();
        Assert.Contains(cover, new[] { "A0", "A1", "A2", "A3" }.Select(_library.Face));

        var table = await People(Lib);
        AssertOk(table);
        Assert.Contains("unnamed", table.Output);
        var row = Row(table.Output, Id("A0"));
        Assert.Equal(["unnamed", "4", "4", $"{cover}"], row[1..5]);
        Assert.StartsWith(_library.PhotoFolder, row[5], StringComparison.Ordinal);
        Assert.Contains("3 people, 9 faces", table.Output);
    }

    [Fact]
    public async Task Show_lists_a_persons_faces_with_photo_box_expression_and_age()
    {
        var json = await PeopleJson("show", Lib, Id("B0"));
        AssertOk(json);
        Assert.Equal(_library.Person("B0"), json.Json.GetProperty("person").GetProperty("id").GetInt64());
        var faces = json.Json.GetProperty("faces");
        Assert.Equal(new[] { "B0", "B1", "B2" }.Select(_library.Face).Order(), Ids(faces, "faceId"));
        var b1 = faces.EnumerateArray().Single(f => f.GetProperty("faceId").GetInt64() == _library.Face("B1"));
        Assert.Equal(_library.BoxOf("B1").Left, b1.GetProperty("x").GetSingle());
        Assert.Equal(_library.BoxOf("B1").Width, b1.GetProperty("width").GetSingle());
        Assert.Equal("assigned", b1.GetProperty("status").GetString());
        Assert.Equal("happy", b1.GetProperty("expression").GetString());

        var table = await People("show", Lib, Id("B0"));
        AssertOk(table);
        Assert.Equal([Face("B1"), _library.PathOf("B1"), "250, 160, 100, 100", "", "happy", "30"], Row(table.Output, Face("B1")));
    }

    [Fact]
    public async Task A_named_person_is_found_by_name_in_any_case_and_an_unknown_name_is_bad_input()
    {
        var named = await PeopleJson("name", Lib, Id("A0"), "Alice Smith");
        AssertOk(named);
        Assert.Equal("Alice Smith", named.Json.GetProperty("name").GetString());
        Assert.True(named.Json.GetProperty("confirmed").GetBoolean());

        var shown = await PeopleJson("show", Lib, "alice smith");
        AssertOk(shown);
        Assert.Equal(_library.Person("A0"), shown.Json.GetProperty("person").GetProperty("id").GetInt64());
        Assert.All(shown.Json.GetProperty("faces").EnumerateArray(), f => Assert.True(f.GetProperty("confirmed").GetBoolean()));

        var line = await People("name", Lib, "ALICE SMITH", "Alice");
        AssertOk(line);
        Assert.Contains($"person {Id("A0")} is now 'Alice' (4 faces)", line.Output);

        var taken = await People("name", Lib, Id("B0"), "alice");
        Assert.Equal(ExitCodes.Conflict, taken.ExitCode);
        Assert.Contains("already has that name", taken.Error);

        var unknown = await People("show", Lib, "Zed");
        Assert.Equal(ExitCodes.BadInput, unknown.ExitCode);
        Assert.Contains("no person named 'Zed'", unknown.Error);
    }

    [Theory]
    [InlineData("999999")]
    [InlineData("0")]
    public async Task An_unknown_person_id_is_bad_input_naming_it(string id)
    {
        var result = await People("show", Lib, id);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains($"no person {id}", result.Error);
    }

    [Fact]
    public async Task An_empty_name_is_bad_input()
    {
        var result = await People("name", Lib, Id("A0"), "  ");
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
    }

    [Fact]
    public async Task Merge_joins_people_and_people_who_share_a_photo_are_a_conflict()
    {
        var merged = await PeopleJson("merge", Lib, Id("A0"), Id("C0"));
        AssertOk(merged);
        Assert.Equal((_library.Person("A0"), 6), (merged.Json.GetProperty("id").GetInt64(), merged.Json.GetProperty("faceCount").GetInt32()));
        var listed = await PeopleJson(Lib);
        Assert.Equal(new[] { _library.Person("A0"), _library.Person("B0") }.Order(), Ids(listed.Json, "id"));

        // A0 and B0 are the two faces of the group photo.
        var conflict = await People("merge", Lib, Id("A0"), Id("B0"));
        Assert.Equal(ExitCodes.Conflict, conflict.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(conflict.Error));
        Assert.Equal(3, (await PeopleJson("show", Lib, Id("B0"))).Json.GetProperty("faces").GetArrayLength());

        var self = await People("merge", Lib, Id("B0"), Id("B0"));
        Assert.Equal(ExitCodes.Conflict, self.ExitCode);
    }

    [Fact]
    public async Task Split_moves_faces_to_a_new_named_person_or_to_another_person()
    {
        var split = await PeopleJson("split", Lib, Id("A0"), Face("A1"), Face("A2"), "--name", "Anna");
        AssertOk(split);
        Assert.Equal("Anna", split.Json.GetProperty("name").GetString());
        Assert.Equal(2, split.Json.GetProperty("faceCount").GetInt32());
        var anna = split.Json.GetProperty("id").GetInt64();
        Assert.NotEqual(_library.Person("A0"), anna);
        Assert.Equal(new[] { "A0", "A3" }.Select(_library.Face).Order(),
            Ids((await PeopleJson("show", Lib, Id("A0"))).Json.GetProperty("faces"), "faceId"));

        var back = await People("split", Lib, "anna", Face("A2"), "--to", Id("A0"));
        AssertOk(back);
        Assert.Contains($"moved 1 face from person {anna} to person {Id("A0")} (3 faces)", back.Output);
    }

    [Fact]
    public async Task Split_with_both_to_and_name_is_a_usage_error_and_a_face_not_the_persons_bad_input()
    {
        var both = await People("split", Lib, Id("A0"), Face("A1"), "--to", Id("B0"), "--name", "X");
        Assert.Equal(ExitCodes.Usage, both.ExitCode);
        Assert.Contains("not both", both.Error);

        var notTheirs = await People("split", Lib, Id("A0"), Face("B1"));
        Assert.Equal(ExitCodes.BadInput, notTheirs.ExitCode);
        Assert.Equal(3, (await PeopleJson("show", Lib, Id("B0"))).Json.GetProperty("faces").GetArrayLength());

        var notAnId = await People("split", Lib, Id("A0"), "A1");
        Assert.Equal(ExitCodes.Usage, notAnId.ExitCode);
    }

    [Fact]
    public async Task Assign_gives_the_stranger_a_new_person_and_the_too_poor_face_to_a_person_by_name()
    {
        var eve = await PeopleJson("assign", Lib, Face("S"), "--name", "Eve");
        AssertOk(eve);
        Assert.Equal(("Eve", 1), (eve.Json.GetProperty("name").GetString(), eve.Json.GetProperty("faceCount").GetInt32()));
        AssertOk(await People("name", Lib, Id("A0"), "Ada"));

        var ada = await People("assign", Lib, Face("P"), "--to", "ada");
        AssertOk(ada);
        Assert.Contains($"1 face given to", ada.Output);
        Assert.Contains(_library.Face("P"), Ids((await PeopleJson("show", Lib, "Ada")).Json.GetProperty("faces"), "faceId"));
        var left = (await PeopleJson("unassigned", Lib)).Json.EnumerateArray().Select(f => f.GetProperty("faceId").GetInt64()).ToList();
        Assert.Equal([_library.Face("N")], left);
    }

    [Fact]
    public async Task Assign_needs_one_of_to_and_name_and_refuses_a_second_face_in_a_photo_as_a_conflict()
    {
        var neither = await People("assign", Lib, Face("S"));
        Assert.Equal(ExitCodes.Usage, neither.ExitCode);
        Assert.Contains("one of the two", neither.Error);
        var both = await People("assign", Lib, Face("S"), "--to", Id("A0"), "--name", "X");
        Assert.Equal(ExitCodes.Usage, both.ExitCode);

        // B0 is in the group photo where A0 is.
        var conflict = await People("assign", Lib, Face("B0"), "--to", Id("A0"));
        Assert.Equal(ExitCodes.Conflict, conflict.ExitCode);
        Assert.Contains("already has a face in photo", conflict.Error);
        Assert.Equal(3, (await PeopleJson("show", Lib, Id("B0"))).Json.GetProperty("faces").GetArrayLength());
    }

    [Fact]
    public async Task Reject_takes_faces_out_of_a_person_and_they_stay_out_after_reclustering()
    {
        var rejected = await PeopleJson("reject", Lib, Id("A0"), Face("A3"));
        AssertOk(rejected);
        Assert.Equal(3, rejected.Json.GetProperty("faceCount").GetInt32());

        var recluster = await PeopleJson("recluster", Lib);
        AssertOk(recluster);
        Assert.True(recluster.Json.GetProperty("full").GetBoolean());
        Assert.DoesNotContain(_library.Face("A3"), Ids((await PeopleJson("show", Lib, Id("A0"))).Json.GetProperty("faces"), "faceId"));

        var notTheirs = await People("reject", Lib, Id("A0"), Face("C0"));
        Assert.Equal(ExitCodes.BadInput, notTheirs.ExitCode);
    }

    [Fact]
    public async Task Hide_leaves_a_person_out_of_the_list_but_not_out_of_all_and_show_brings_them_back()
    {
        var hidden = await People("hide", Lib, Id("C0"));
        AssertOk(hidden);
        Assert.Contains("is hidden", hidden.Output);
        Assert.DoesNotContain(_library.Person("C0"), Ids((await PeopleJson(Lib)).Json, "id"));
        var all = await PeopleJson(Lib, "--all");
        Assert.True(all.Json.EnumerateArray().Single(p => p.GetProperty("id").GetInt64() == _library.Person("C0")).GetProperty("hidden").GetBoolean());

        var shown = await PeopleJson("hide", Lib, Id("C0"), "--show");
        AssertOk(shown);
        Assert.False(shown.Json.GetProperty("hidden").GetBoolean());
        Assert.Contains(_library.Person("C0"), Ids((await PeopleJson(Lib)).Json, "id"));
    }

    [Fact]
    public async Task Cover_chooses_one_of_the_persons_faces_and_refuses_another_persons()
    {
        var cover = await PeopleJson("cover", Lib, Id("A0"), Face("A2"));
        AssertOk(cover);
        Assert.Equal(_library.Face("A2"), cover.Json.GetProperty("coverFaceId").GetInt64());
        var listed = Row((await People(Lib)).Output, Id("A0"));
        Assert.Equal((Face("A2"), _library.PathOf("A2")), (listed[4], listed[5]));

        var other = await People("cover", Lib, Id("A0"), Face("B2"));
        Assert.Equal(ExitCodes.BadInput, other.ExitCode);
        var unknown = await People("cover", Lib, Id("A0"), "987654");
        Assert.Equal(ExitCodes.BadInput, unknown.ExitCode);
    }

    [Fact]
    public async Task Suggest_pairs_the_people_who_look_alike_and_never_two_who_share_a_photo()
    {
        var json = await PeopleJson("suggest", Lib, "--limit", "5");
        AssertOk(json);
        var pairs = json.Json.EnumerateArray()
            .Select(s => new[] { s.GetProperty("first").GetProperty("id").GetInt64(), s.GetProperty("second").GetProperty("id").GetInt64() }.Order().ToArray())
            .ToList();
        Assert.Contains(pairs, p => p.SequenceEqual(new[] { _library.Person("A0"), _library.Person("C0") }.Order()));
        Assert.DoesNotContain(pairs, p => p.SequenceEqual(new[] { _library.Person("A0"), _library.Person("B0") }.Order()));
        Assert.All(json.Json.EnumerateArray(), s => Assert.InRange(s.GetProperty("distance").GetSingle(), 0f, 1.5f * 0.55f));

        var table = await People("suggest", Lib);
        AssertOk(table);
        Assert.Contains("may be", table.Output);
        Assert.Contains($"person {Id("C0")} (2 faces)", table.Output);
    }

    [Theory]
    [InlineData("suggest")]
    [InlineData("unassigned")]
    public async Task A_limit_out_of_range_is_a_usage_error(string command)
    {
        foreach (var limit in new[] { "0", "10001" })
        {
            var result = await People(command, Lib, "--limit", limit);
            Assert.Equal(ExitCodes.Usage, result.ExitCode);
            Assert.Contains("--limit must be between 1 and 10000", result.Error);
        }
    }

    [Fact]
    public async Task Unassigned_lists_the_stranger_the_face_without_a_descriptor_and_the_too_poor_face_with_why()
    {
        var json = await PeopleJson("unassigned", Lib);
        AssertOk(json);
        var faces = json.Json.EnumerateArray().ToDictionary(f => f.GetProperty("faceId").GetInt64(), f => f.GetProperty("status").GetString());
        Assert.Equal("unassigned", faces[_library.Face("S")]);
        Assert.Equal("noDescriptor", faces[_library.Face("N")]);
        Assert.Equal("tooPoor", faces[_library.Face("P")]);
        Assert.Equal(PeopleLibrary.TooPoorReasons,
            json.Json.EnumerateArray().Single(f => f.GetProperty("faceId").GetInt64() == _library.Face("P")).GetProperty("tooPoor").GetString());
        Assert.DoesNotContain(_library.Face("A1"), faces.Keys);
        Assert.Single((await PeopleJson("unassigned", Lib, "--limit", "1")).Json.EnumerateArray());

        var table = await People("unassigned", Lib);
        AssertOk(table);
        var n = Row(table.Output, Face("N"));
        Assert.Equal((_library.PathOf("N"), "no descriptor yet"), (n[1], n[3]));
        var s = Row(table.Output, Face("S"));
        Assert.Equal((_library.PathOf("S"), "unassigned"), (s[1], s[3]));
        Assert.Equal($"too poor ({PeopleLibrary.TooPoorReasons})", Row(table.Output, Face("P"))[3]);
    }

    [Fact]
    public async Task Recluster_reports_the_pass_in_one_line()
    {
        var result = await People("recluster", Lib);
        AssertOk(result);
        Assert.Contains("grouped every face", result.Output);
        Assert.Contains("3 people, 9 faces in them, ", result.Output);
        Assert.Contains(", 1 too poor;", result.Output);
    }

    [Fact]
    public async Task Importing_a_gallery_names_the_person_its_faces_match_and_says_who_matched_no_one()
    {
        var path = Path.Combine(_library.Root, "people.gallery");
        using (var gallery = Sightline.Faces.Gallery.FaceGallery.Open(path))
        {
            Sightline.Faces.Gallery.EnrolledFace Enrolled(float[] values, string source) =>
                new(new Sightline.Faces.Descriptors.FaceDescriptor(PeopleLibrary.DescriptorModel, Sightline.Faces.Descriptors.DescriptorMetric.Euclidean, values), source);
            gallery.Enroll("Alice", [Enrolled(_library.DescriptorOf("A1"), "alice.jpg")]);
            // Opposite to A: nearer to no face of the library.
            gallery.Enroll("Zed", [Enrolled(_library.DescriptorOf("A1").Select(v => -v).ToArray(), "zed.jpg")]);
        }

        var json = await PeopleJson("import-gallery", Lib, path);
        AssertOk(json);
        Assert.Equal(1, json.Json.GetProperty("people").GetInt32());
        Assert.True(json.Json.GetProperty("faces").GetInt32() >= 1);
        Assert.StartsWith("Zed:", Assert.Single(json.Json.GetProperty("skipped").EnumerateArray()).GetString(), StringComparison.Ordinal);

        var alice = await PeopleJson("show", Lib, "alice");
        AssertOk(alice);
        Assert.Contains(_library.Face("A1"), Ids(alice.Json.GetProperty("faces"), "faceId"));

        var again = await People("import-gallery", Lib, path);
        AssertOk(again);
        Assert.Contains($"1 person of {path} named in the library", again.Output);
        Assert.Contains("skipped Zed:", again.Error);
    }

    [Fact]
    public async Task Importing_a_gallery_that_does_not_exist_is_a_gallery_error_naming_it()
    {
        var missing = Path.Combine(_library.Root, "nobody.gallery");
        var result = await People("import-gallery", Lib, missing);
        Assert.Equal(ExitCodes.Gallery, result.ExitCode);
        Assert.Contains(missing, result.Error);
        Assert.False(File.Exists(missing), "the gallery is not created");
    }
}

/// <summary>The parts of the people commands that need no library.</summary>
public sealed class PeopleCommandRulesTests
{
    [Theory]
    [InlineData(PeopleErrorKind.NotFound, ExitCodes.BadInput)]
    [InlineData(PeopleErrorKind.Invalid, ExitCodes.BadInput)]
    [InlineData(PeopleErrorKind.Conflict, ExitCodes.Conflict)]
    public void A_people_error_is_its_exit_code_with_its_message(PeopleErrorKind kind, int code)
    {
        var (exit, message) = SightlineCli.Classify(new PeopleException(kind, "person 7 and person 9 share photo 3"));
        Assert.Equal((code, "person 7 and person 9 share photo 3"), (exit, message));
    }

    [Fact]
    public void The_conflict_code_is_its_own()
    {
        var codes = typeof(ExitCodes).GetFields().Where(f => f.IsLiteral).Select(f => (int)f.GetRawConstantValue()!).ToList();
        Assert.Single(codes, c => c == ExitCodes.Conflict);
    }

    [Theory]
    [InlineData(null, PeopleCommands.DefaultLimit)]
    [InlineData(1, 1)]
    [InlineData(PeopleCommands.MaxLimit, PeopleCommands.MaxLimit)]
    public void A_limit_is_its_value_or_the_default(int? limit, int expected) => Assert.Equal(expected, PeopleCommands.Limit(limit));

    [Theory]
    [InlineData(FaceStatus.TooPoor, "cut by the frame, blurred", "too poor (cut by the frame, blurred)")]
    [InlineData(FaceStatus.TooPoor, null, "too poor")]
    [InlineData(FaceStatus.NoDescriptor, null, "no descriptor yet")]
    [InlineData(FaceStatus.Unassigned, null, "unassigned")]
    public void A_face_in_no_person_says_why(FaceStatus status, string? reasons, string expected) =>
        Assert.Equal(expected, PeopleCommands.Status(new PersonFace(1, 2, 0, 0, 0, 10, 10, 0.9f, null, false, status, reasons)));

    [Fact]
    public async Task A_person_that_is_blank_is_bad_input_before_any_lookup()
    {
        // The service is never asked: a blank person is refused first.
        var e = await Assert.ThrowsAsync<PeopleException>(() => PeopleCommands.ResolveAsync(null!, "   ", CancellationToken.None));
        Assert.Equal(PeopleErrorKind.Invalid, e.Kind);
    }

    [Fact]
    public async Task The_people_commands_of_a_folder_that_is_no_library_are_exit_8()
    {
        var dir = Directory.CreateTempSubdirectory("sightline-people-none-").FullName;
        try
        {
            var result = await CliRunner.RunAsync("library", "people", dir);
            Assert.Equal(ExitCodes.Library, result.ExitCode);
            Assert.Contains("is not a Sightline library", result.Error);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
