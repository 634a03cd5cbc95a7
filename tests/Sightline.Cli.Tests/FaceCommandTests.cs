using Sightline.Faces;
using Sightline.Faces.Attributes;
using Sightline.Imaging;
using Sightline.Tests.Shared;

namespace Sightline.Cli.Tests;

[Collection(PretrainedCollection.Name)]
public sealed class FaceCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-cli-faces-").FullName;

    public FaceCommandTests(PretrainedModels models)
    {
        foreach (var id in FaceAnalyzer.RequiredModels(FaceModels.Default with { Emotion = HumanEmotionClassifier.Id }).Append(FaceApiExpressionClassifier.Id))
            models.Get(id);
    }

    private static string Sanity(string name) => Path.Combine(TestPaths.Data("sanity"), name);

    private static string Bbt => TestPaths.Data("faces-bbt");

    private static string Crop(string person, int n) => Path.Combine(Bbt, "images", person, $"{person}{n}.png");

    /// <summary>bbt2.jpg without its left 16 pixels: Raj, at the left edge, is a third outside the frame.</summary>
    private string CutScene()
    {
        var path = Path.Combine(_dir, "bbt2-cut.png");
        using var full = ImageDecoder.Decode(Path.Combine(Bbt, "images", "bbt2.jpg"));
        using var cropped = new SkiaSharp.SKBitmap(full.Bitmap.Width - 16, full.Bitmap.Height);
        full.Bitmap.ExtractSubset(cropped, SkiaSharp.SKRectI.Create(16, 0, cropped.Width, cropped.Height));
        using var data = cropped.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    [Fact]
    public async Task A_face_cut_by_the_frame_is_answered_too_poor_and_its_attributes_are_marked_unreliable()
    {
        var gallery = Path.Combine(_dir, "cut.gallery");
        foreach (var person in new[] { "raj", "sheldon", "leonard" })
            Assert.Equal(ExitCodes.Ok, (await CliRunner.RunAsync("faces", "enroll", person, Crop(person, 1), Crop(person, 2), Crop(person, 5), "--gallery", gallery)).ExitCode);
        var scene = CutScene();

        var identify = await CliRunner.RunAsync("faces", "identify", scene, "--gallery", gallery, "--json");
        Assert.Equal(ExitCodes.Ok, identify.ExitCode);
        var faces = identify.Json.GetProperty("results")[0].GetProperty("faces").EnumerateArray().OrderBy(f => f.GetProperty("box").GetProperty("x").GetSingle()).ToList();
        Assert.Equal(3, faces.Count);
        var cut = faces[0].GetProperty("identity");
        Assert.Equal("too poor", cut.GetProperty("status").GetString());
        Assert.False(cut.GetProperty("known").GetBoolean());
        Assert.False(cut.TryGetProperty("name", out _));
        Assert.Equal("cut by the frame", Assert.Single(cut.GetProperty("tooPoor").EnumerateArray()).GetString());
        Assert.NotEqual("too poor", faces[2].GetProperty("identity").GetProperty("status").GetString());
        // Identifying a face does not hide its expression: 'faces identify' reads it as 'faces --gallery' does.
        Assert.True(faces[2].TryGetProperty("emotion", out _));

        var table = await CliRunner.RunAsync("faces", "identify", scene, "--gallery", gallery);
        Assert.Contains("too poor (cut by the frame)", table.Output);

        var analysed = await CliRunner.RunAsync("faces", scene, "--json");
        var cutFace = analysed.Json.GetProperty("results")[0].GetProperty("faces").EnumerateArray().MinBy(f => f.GetProperty("box").GetProperty("x").GetSingle());
        Assert.False(cutFace.GetProperty("identifiable").GetBoolean());
        Assert.Equal("cut by the frame", cutFace.GetProperty("emotion").GetProperty("unreliable").GetString());
        Assert.Equal("cut by the frame", cutFace.GetProperty("ageGender").GetProperty("unreliable").GetString());
        var attributes = await CliRunner.RunAsync("faces", scene);
        Assert.Contains("(unreliable)", attributes.Output);
        Assert.Contains("too poor: cut by the frame", attributes.Output);
    }

    [Fact]
    public async Task Faces_analyses_a_folder_reports_the_corrupt_file_says_no_faces_and_saves_drawn_images()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "photos")).FullName;
        File.Copy(Sanity("astronaut.png"), Path.Combine(folder, "astronaut.png"));
        File.Copy(Sanity("chelsea.png"), Path.Combine(folder, "chelsea.png"));
        File.WriteAllBytes(Path.Combine(folder, "broken.jpg"), File.ReadAllBytes(Sanity("bus.jpg"))[..3000]);
        var saved = Path.Combine(_dir, "annotated");

        var result = await CliRunner.RunAsync("faces", folder, "--save", saved, "--descriptors", "--json");
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var results = result.Json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2, results.Count);
        var astronaut = results.Single(r => r.GetProperty("source").GetString()!.EndsWith("astronaut.png", StringComparison.Ordinal));
        var face = Assert.Single(astronaut.GetProperty("faces").EnumerateArray());
        Assert.InRange(face.GetProperty("normalizedBox").GetProperty("width").GetSingle(), 0.1f, 0.5f);
        Assert.True(face.GetProperty("box").GetProperty("width").GetSingle() > 50);
        Assert.Equal(5, face.GetProperty("landmarks5").GetArrayLength());
        Assert.Equal(68, face.GetProperty("landmarks68").GetArrayLength());
        Assert.Equal(128, face.GetProperty("descriptor").GetArrayLength());
        Assert.Equal(7, face.GetProperty("emotion").GetProperty("scores").EnumerateObject().Count());
        Assert.Equal("female", face.GetProperty("ageGender").GetProperty("gender").GetString());
        Assert.InRange(face.GetProperty("quality").GetProperty("score").GetSingle(), 0f, 1f);
        Assert.True(face.TryGetProperty("pose", out _));
        Assert.True(astronaut.GetProperty("timings").GetProperty("totalMs").GetDouble() > 0);
        Assert.Equal("face-api-face-recognition", astronaut.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "descriptor").GetProperty("id").GetString());
        var cat = results.Single(r => r.GetProperty("source").GetString()!.EndsWith("chelsea.png", StringComparison.Ordinal));
        Assert.Equal(0, cat.GetProperty("faces").GetArrayLength());
        Assert.EndsWith("broken.jpg", result.Json.GetProperty("failed")[0].GetProperty("path").GetString());

        // The saved image is the photo with the face drawn: same size, different pixels; the broken file has none.
        using var original = ImageDecoder.Decode(Sanity("astronaut.png"));
        using var drawn = ImageDecoder.Decode(Path.Combine(saved, "astronaut.png"));
        Assert.Equal((original.Width, original.Height), (drawn.Width, drawn.Height));
        Assert.False(original.Bitmap.GetPixelSpan().SequenceEqual(drawn.Bitmap.GetPixelSpan()));
        Assert.False(File.Exists(Path.Combine(saved, "broken.jpg")));

        var table = await CliRunner.RunAsync("faces", Sanity("chelsea.png"));
        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.Contains("no faces", table.Output);
    }

    [Fact]
    public async Task Verify_tells_same_from_different_people_and_names_an_image_without_a_face()
    {
        var same = await CliRunner.RunAsync("faces", "verify", Crop("howard", 3), Crop("howard", 4), "--json");
        Assert.Equal(ExitCodes.Ok, same.ExitCode);
        Assert.True(same.Json.GetProperty("same").GetBoolean());
        Assert.True(same.Json.GetProperty("distance").GetSingle() < same.Json.GetProperty("threshold").GetSingle());
        Assert.InRange(same.Json.GetProperty("confidence").GetSingle(), 0.5f, 1f);

        var different = await CliRunner.RunAsync("faces", "verify", Crop("amy", 1), Crop("penny", 2));
        Assert.Equal(ExitCodes.Ok, different.ExitCode);
        Assert.Contains("same person: no", different.Output);
        Assert.Contains("threshold 0.600", different.Output);

        var noFace = await CliRunner.RunAsync("faces", "verify", Crop("amy", 1), Sanity("chelsea.png"));
        Assert.Equal(ExitCodes.BadInput, noFace.ExitCode);
        Assert.Contains("chelsea.png", noFace.Error);
    }

    [Fact]
    public async Task Enroll_then_identify_names_the_people_and_gallery_errors_have_their_exit_code()
    {
        var gallery = Path.Combine(_dir, "people.gallery");
        var amy = await CliRunner.RunAsync("faces", "enroll", "Amy", Crop("amy", 1), Crop("amy", 2), "--gallery", gallery, "--json");
        Assert.Equal(ExitCodes.Ok, amy.ExitCode);
        Assert.Equal(2, amy.Json.GetProperty("enrolled").GetArrayLength());
        Assert.True(amy.Json.GetProperty("createdPerson").GetBoolean());
        var howard = await CliRunner.RunAsync("faces", "enroll", "Howard", Crop("howard", 1), Crop("howard", 2), Sanity("chelsea.png"), "--gallery", gallery);
        Assert.Equal(ExitCodes.Ok, howard.ExitCode);
        Assert.Contains("no face found", howard.Output);

        var identify = await CliRunner.RunAsync("faces", "identify", Crop("amy", 5), Crop("howard", 4), Sanity("chelsea.png"), "--gallery", gallery, "--json");
        Assert.Equal(ExitCodes.Ok, identify.ExitCode);
        var results = identify.Json.GetProperty("results").EnumerateArray().ToList();
        var amyFace = Assert.Single(results[0].GetProperty("faces").EnumerateArray());
        Assert.Equal("Amy", amyFace.GetProperty("identity").GetProperty("name").GetString());
        Assert.InRange(amyFace.GetProperty("identity").GetProperty("confidence").GetSingle(), 0.9f, 1f);
        Assert.Equal("Howard", Assert.Single(results[1].GetProperty("faces").EnumerateArray()).GetProperty("identity").GetProperty("name").GetString());
        Assert.Equal(0, results[2].GetProperty("faces").GetArrayLength());

        // Photos without a face enrol nothing: the gallery keeps its people, and a new gallery is not created.
        var none = await CliRunner.RunAsync("faces", "enroll", "Cat", Sanity("chelsea.png"), "--gallery", gallery);
        Assert.Equal(ExitCodes.BadInput, none.ExitCode);
        Assert.Contains("chelsea.png", none.Error);
        // A group photo does not say which face is the person: nothing is enrolled, and the reason is given.
        var group = await CliRunner.RunAsync("faces", "enroll", "Amy", Path.Combine(Bbt, "images", "bbt4.jpg"), "--gallery", gallery);
        Assert.Equal(ExitCodes.BadInput, group.ExitCode);
        Assert.Contains("similar size", group.Error);
        // A face under the quality bar is not enrolled either, and says why.
        var poor = await CliRunner.RunAsync("faces", "enroll", "Amy", Crop("amy", 3), "--gallery", gallery, "--min-quality", "0.999");
        Assert.Equal(ExitCodes.BadInput, poor.ExitCode);
        Assert.Contains("quality", poor.Error);
        var fresh = Path.Combine(_dir, "fresh.gallery");
        Assert.Equal(ExitCodes.BadInput, (await CliRunner.RunAsync("faces", "enroll", "Cat", Sanity("chelsea.png"), "--gallery", fresh)).ExitCode);
        Assert.False(File.Exists(fresh));
        var people = await CliRunner.RunAsync("faces", "people", "--gallery", gallery, "--json");
        Assert.Equal(new string?[] { "Amy", "Howard" }, people.Json.GetProperty("people").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToArray());
        Assert.All(people.Json.GetProperty("people").EnumerateArray(), p => Assert.Equal(2, p.GetProperty("faceCount").GetInt32()));

        var forget = await CliRunner.RunAsync("faces", "forget", "Sheldon", "--gallery", gallery);
        Assert.Equal(ExitCodes.Gallery, forget.ExitCode);
        Assert.Contains("Sheldon", forget.Error);
        Assert.Equal(ExitCodes.Ok, (await CliRunner.RunAsync("faces", "rename", "amy", "Amy F", "--gallery", gallery)).ExitCode);
        Assert.Equal(ExitCodes.Ok, (await CliRunner.RunAsync("faces", "forget", "Howard", "--gallery", gallery)).ExitCode);
        Assert.Contains("Amy F", (await CliRunner.RunAsync("faces", "people", "--gallery", gallery)).Output);

        var damaged = Path.Combine(_dir, "damaged.gallery");
        File.WriteAllText(damaged, "not a gallery");
        var bad = await CliRunner.RunAsync("faces", "people", "--gallery", damaged);
        Assert.Equal(ExitCodes.Gallery, bad.ExitCode);
        Assert.Contains("damaged.gallery", bad.Error);
        Assert.Equal(ExitCodes.Gallery, (await CliRunner.RunAsync("faces", "identify", Crop("amy", 5), "--gallery", Path.Combine(_dir, "absent.gallery"))).ExitCode);
    }

    [Fact]
    public async Task Eval_faces_reports_leave_one_out_identification_and_verification()
    {
        var identities = Path.Combine(_dir, "identities.csv");
        File.WriteAllLines(identities, ["file,identity", .. new[] { "amy", "howard", "raj" }.SelectMany(p => new[] { $"{Crop(p, 3)},{p}", $"{Crop(p, 4)},{p}" })]);
        var table = await CliRunner.RunAsync("eval", "faces", "--identities", identities);
        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.Contains("6 of 6 images have a face", table.Output);
        Assert.Contains("leave-one-out", table.Output);
        Assert.Contains("ROC AUC", table.Output);
        Assert.Contains("unresolved", table.Output);

        var pairs = Path.Combine(_dir, "pairs.csv");
        File.WriteAllLines(pairs, ["file_x,file_y,same", $"{Crop("amy", 3)},{Crop("amy", 4)},1", $"{Crop("raj", 3)},{Crop("raj", 4)},1", $"{Crop("amy", 3)},{Crop("raj", 4)},0", $"{Crop("howard", 3)},{Sanity("chelsea.png")},0"]);
        var json = await CliRunner.RunAsync("eval", "faces", "--identities", identities, "--pairs", pairs, "--json");
        Assert.Equal(ExitCodes.Ok, json.ExitCode);
        var root = json.Json;
        Assert.Equal(1.0, root.GetProperty("identification").GetProperty("accuracy").GetDouble());
        Assert.Equal(6, root.GetProperty("identification").GetProperty("queries").GetInt32());
        var verification = root.GetProperty("verification");
        Assert.Equal((2, 1, 1), (verification.GetProperty("samePairs").GetInt32(), verification.GetProperty("differentPairs").GetInt32(), verification.GetProperty("skippedPairs").GetInt32()));
        Assert.Equal(1.0, verification.GetProperty("auc").GetDouble());
        Assert.EndsWith("chelsea.png", root.GetProperty("noFace")[0].GetString());

        File.WriteAllLines(identities, ["file,identity", "missing.png,amy"]);
        var missing = await CliRunner.RunAsync("eval", "faces", "--identities", identities);
        Assert.Equal(ExitCodes.BadInput, missing.ExitCode);
        Assert.Contains("missing.png", missing.Error);
    }

    [Fact]
    public async Task Eval_emotions_gets_all_seven_expressions_right()
    {
        var result = await CliRunner.RunAsync("eval", "emotions", "--labels", Path.Combine(Bbt, "emotions.csv"));
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Contains("7/7", result.Output);
        Assert.Contains("confusion", result.Output);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
