using Microsoft.Data.Sqlite;
using Sightline.Faces.Descriptors;
using Sightline.Faces.Evaluation;
using Sightline.Faces.Gallery;
using Sightline.Imaging;

namespace Sightline.Faces.Tests.Gallery;

public sealed class FaceGalleryTests : IDisposable
{
    private const float Threshold = 0.6f;
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-gallery-").FullName;
    private readonly SyntheticFaces _faces = new(seed: 7);
    private string GalleryPath => Path.Combine(_dir, "people", "gallery.db");

    private static EnrolledFace[] Faces(params FaceDescriptor[] descriptors) =>
        descriptors.Select((d, i) => new EnrolledFace(d, $"photo{i}.jpg", 0.9f)).ToArray();

    private Dictionary<string, float[]> EnrolCast(FaceGallery gallery, int people = 5, int faces = 3)
    {
        var cast = new Dictionary<string, float[]>();
        for (var p = 0; p < people; p++)
        {
            var person = _faces.Person();
            cast[$"person{p}"] = person;
            gallery.Enroll($"person{p}", Faces(Enumerable.Range(0, faces).Select(_ => _faces.Face(person)).ToArray()));
        }
        return cast;
    }

    [Fact]
    public void A_face_too_poor_to_identify_is_answered_too_poor_even_when_its_descriptor_is_near_someone()
    {
        using var gallery = FaceGallery.Open(GalleryPath);
        var cast = EnrolCast(gallery);
        var descriptor = _faces.Face(cast["person1"]);
        AnalyzedFace Face(Sightline.Faces.Attributes.Identifiability? verdict) => new(new(0, 0, 50, 50), new(0, 0, 0.1f, 0.1f), 0.9f, [], null, null, null,
            descriptor, null, null, null, verdict);

        var good = gallery.Identify(Face(Sightline.Faces.Attributes.Identifiability.Good), Threshold);
        Assert.Equal("person1", good.Match!.Value.Name);
        Assert.Equal(Identification.KnownStatus, good.Status);

        var poor = gallery.Identify(Face(new([Sightline.Faces.Attributes.Identifiability.CutByFrame])), Threshold);
        Assert.False(poor.IsKnown);
        Assert.True(poor.IsTooPoor);
        Assert.Null(poor.Match);
        Assert.Null(poor.Nearest);
        Assert.Null(poor.Confidence(Calibration));
        Assert.Equal(Identification.TooPoorStatus, poor.Status);
        Assert.Equal("too poor (cut by the frame)", poor.Label);
    }

    [Fact]
    public void One_person_names_at_most_one_face_of_a_photo_the_nearer_one()
    {
        using var gallery = FaceGallery.Open(GalleryPath);
        var cast = EnrolCast(gallery);
        AnalyzedFace Face(FaceDescriptor d) => new(new(0, 0, 50, 50), new(0, 0, 0.1f, 0.1f), 0.9f, [], null, null, null, d, null, null, null,
            Sightline.Faces.Attributes.Identifiability.Good);
        // Two faces both nearest to person0: the second lies between person0 and person2, nearer to person0.
        var close = _faces.Face(cast["person0"]);
        var between = SyntheticFaces.Descriptor(Mix(cast["person0"], cast["person2"], 0.3f));
        var alone = _faces.Face(cast["person3"]);
        Assert.Equal("person0", gallery.Identify(between, Threshold).Match?.Name);
        Assert.Equal("person2", gallery.Identify(between, Threshold).RunnerUp?.Name);

        var answers = gallery.IdentifyPhoto([Face(between), Face(close), Face(alone)], Threshold);
        Assert.Equal("person0", answers[1].Match?.Name);
        Assert.Equal("person3", answers[2].Match?.Name);
        // The farther face gets the next person, or is unknown when that one is beyond the threshold.
        var second = answers[0];
        Assert.NotEqual("person0", second.Nearest?.Name);
        Assert.Equal("person2", second.Nearest?.Name);
        Assert.Equal(second.Nearest!.Value.Distance < Threshold, second.IsKnown);
        // Alone in a photo, the same face is person0's.
        Assert.Equal("person0", gallery.IdentifyPhoto([Face(between)], Threshold)[0].Match?.Name);
    }

    private static float[] Mix(float[] a, float[] b, float share)
    {
        var mixed = a.Select((v, i) => (1 - share) * v + share * b[i]).ToArray();
        var norm = MathF.Sqrt(mixed.Sum(x => x * x));
        return mixed.Select(x => x / norm).ToArray();
    }

    [Fact]
    public void Identifies_a_new_photo_of_each_enrolled_person_with_a_runner_up()
    {
        using var gallery = FaceGallery.Open(GalleryPath);
        var cast = EnrolCast(gallery);
        Assert.Equal(new GalleryModel(SyntheticFaces.Model, DescriptorMetric.Euclidean, 128), gallery.Model);
        foreach (var (name, person) in cast)
        {
            var result = gallery.Identify(_faces.Face(person), Threshold);
            Assert.True(result.IsKnown);
            var match = result.Match!.Value;
            Assert.Equal(name, match.Name);
            Assert.InRange(match.Distance, 0.1f, 0.5f);
            Assert.InRange(match.Similarity, 0.85f, 1f);
            Assert.Contains(match.FaceId, gallery.Faces(name).Select(f => f.Id));
            Assert.NotEqual(name, result.RunnerUp!.Value.Name);
            Assert.True(result.Margin > 0.8f, $"margin {result.Margin}");
            Assert.True(result.Confidence(Calibration) > 0.9f, $"confidence {result.Confidence(Calibration)} at distance {match.Distance}");
        }
    }

    /// <summary>A calibration that crosses 0.5 at distance 0.6, as face-api's does.</summary>
    private static readonly DistanceCalibration Calibration = new(31.76f, -52.73f);

    [Fact]
    public void A_face_beyond_the_threshold_is_unknown_but_reports_the_nearest_person()
    {
        using var gallery = FaceGallery.Open(GalleryPath);
        EnrolCast(gallery);
        var result = gallery.Identify(_faces.Face(_faces.Person()), Threshold);
        Assert.False(result.IsKnown);
        Assert.Null(result.Match);
        Assert.True(result.Nearest!.Value.Distance > 1f);
        Assert.Equal(Threshold, result.Threshold);
        Assert.True(result.Confidence(Calibration) > 0.99f, "far from everyone: surely unknown");
        // The same face called unknown only because of a strict threshold: the answer is probably wrong.
        var nearest = result.Nearest!.Value;
        var strict = new Identification(nearest with { Distance = 0.3f }, null, 0.1f);
        Assert.False(strict.IsKnown);
        Assert.True(strict.Confidence(Calibration) < 0.01f);
    }

    [Fact]
    public void An_empty_gallery_identifies_nobody()
    {
        using var gallery = FaceGallery.Open(GalleryPath);
        Assert.Null(gallery.Model);
        Assert.Equal(Identification.None(Threshold), gallery.Identify(_faces.Face(_faces.Person()), Threshold));
        Assert.Null(Identification.None(Threshold).Confidence(Calibration));
        Assert.Empty(gallery.People());
    }

    [Fact]
    public void A_persons_distance_is_to_their_nearest_face_not_their_mean()
    {
        // Two very different views of one person: a query like the second view is far from their mean.
        using var gallery = FaceGallery.Open(GalleryPath);
        float[] front = _faces.Person(), profile = _faces.Person();
        gallery.Enroll("amy", Faces(_faces.Face(front), _faces.Face(profile)));
        var profileId = gallery.Faces("amy")[1].Id;
        var result = gallery.Identify(_faces.Face(profile), Threshold);
        Assert.Equal("amy", result.Match?.Name);
        Assert.Equal(profileId, result.Match?.FaceId);
        Assert.Null(result.RunnerUp);
        Assert.Null(result.Margin);
    }

    [Fact]
    public void Another_models_descriptor_is_refused_naming_both_models()
    {
        using var gallery = FaceGallery.Open(GalleryPath);
        var person = _faces.Person();
        gallery.Enroll("amy", Faces(_faces.Face(person)));
        var other = new SyntheticFaces(1, "other-model").Face(person);

        var enrol = Assert.Throws<GalleryException>(() => gallery.Enroll("bob", Faces(other)));
        Assert.Contains("'other-model'", enrol.Message);
        Assert.Contains($"'{SyntheticFaces.Model}'", enrol.Message);
        var identify = Assert.Throws<GalleryException>(() => gallery.Identify(other, Threshold));
        Assert.Contains("'other-model'", identify.Message);
        Assert.Contains($"'{SyntheticFaces.Model}'", identify.Message);
        Assert.Equal((GalleryErrorKind.Conflict, GalleryErrorKind.Conflict), (enrol.Kind, identify.Kind));

        var shorter = SyntheticFaces.Descriptor(new float[64]);
        Assert.Contains("64 values", Assert.Throws<GalleryException>(() => gallery.Identify(shorter, Threshold)).Message);
        Assert.Contains("64 values", Assert.Throws<GalleryException>(() => gallery.Enroll("amy", Faces(shorter))).Message);
        var notFinite = SyntheticFaces.Descriptor(Enumerable.Repeat(float.NaN, 128).ToArray());
        var notFiniteError = Assert.Throws<GalleryException>(() => gallery.Enroll("amy", Faces(notFinite)));
        Assert.Contains("not a finite number", notFiniteError.Message);
        Assert.Equal(GalleryErrorKind.Invalid, notFiniteError.Kind);
        Assert.Equal(1, gallery.Person("amy")!.Value.FaceCount);
    }

    [Fact]
    public void A_failure_part_way_through_an_enrolment_leaves_the_gallery_as_it_was()
    {
        var clock = new ManualClock(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var gallery = FaceGallery.Open(GalleryPath, clock: clock);
        var person = _faces.Person();
        var foreign = new SyntheticFaces(2, "other-model").Face(person);

        // On a new gallery: the first face would create the person and bind the model; the second fails.
        Assert.Throws<GalleryException>(() => gallery.Enroll("amy", Faces(_faces.Face(person), foreign)));
        Assert.Empty(gallery.People());
        Assert.Null(gallery.Model);

        gallery.Enroll("amy", Faces(_faces.Face(person)));
        var before = gallery.Person("amy");
        clock.Now += TimeSpan.FromHours(1);
        Assert.Throws<GalleryException>(() => gallery.Enroll("amy", Faces(_faces.Face(person), _faces.Face(person), foreign)));
        Assert.Throws<GalleryException>(() => gallery.Enroll("bob", Faces(_faces.Face(person), foreign)));
        Assert.Equal(before, gallery.Person("amy"));
        Assert.Equal(["amy"], gallery.People().Select(p => p.Name));
        Assert.Single(gallery.Faces("amy"));

        // Nothing half-written on disk either.
        gallery.Dispose();
        using var reopened = FaceGallery.Open(GalleryPath, createIfMissing: false);
        Assert.Equal([new GalleryPerson("amy", 1, before!.Value.Created, before.Value.Updated)], reopened.People());
    }

    [Fact]
    public void Reopening_the_file_keeps_people_faces_and_model()
    {
        Dictionary<string, float[]> cast;
        using (var gallery = FaceGallery.Open(GalleryPath))
            cast = EnrolCast(gallery, people: 3, faces: 2);
        using (var gallery = FaceGallery.Open(GalleryPath, createIfMissing: false))
        {
            Assert.Equal(SyntheticFaces.Model, gallery.Model?.ModelId);
            Assert.Equal(["person0", "person1", "person2"], gallery.People().Select(p => p.Name));
            Assert.All(gallery.People(), p => Assert.Equal(2, p.FaceCount));
            Assert.Equal("person1", gallery.Identify(_faces.Face(cast["person1"]), Threshold).Match?.Name);
            Assert.Equal(["photo0.jpg", "photo1.jpg"], gallery.Faces("person2").Select(f => f.Source));
            Assert.All(gallery.Faces("person2"), f => Assert.Equal(0.9f, f.Quality));
        }
    }

    [Fact]
    public void Opening_a_missing_gallery_without_creating_it_names_the_path()
    {
        var missing = Path.Combine(_dir, "missing.db");
        var error = Assert.Throws<GalleryException>(() => FaceGallery.Open(missing, createIfMissing: false));
        Assert.Equal(GalleryErrorKind.Unavailable, error.Kind);
        Assert.Contains(missing, error.Message);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public void A_file_that_is_not_a_gallery_is_refused_naming_the_path()
    {
        var text = Path.Combine(_dir, "notes.db");
        File.WriteAllText(text, "this is not a database, just text that is long enough to be read as a header by sqlite...........");
        SightlineException error = Assert.Throws<GalleryException>(() => FaceGallery.Open(text));
        Assert.Contains(text, error.Message);
        Assert.Contains("not a readable face gallery", error.Message);

        var foreign = Path.Combine(_dir, "other.db");
        using (var connection = new SqliteConnection($"Data Source={foreign};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE things(x); CREATE TABLE meta(key TEXT, value TEXT); INSERT INTO meta VALUES ('format', '1');";
            command.ExecuteNonQuery();
        }
        var bytes = File.ReadAllBytes(foreign);
        Assert.Contains("not a face gallery", Assert.Throws<GalleryException>(() => FaceGallery.Open(foreign)).Message);
        Assert.Equal(bytes, File.ReadAllBytes(foreign));

        Assert.Contains("is a folder", Assert.Throws<GalleryException>(() => FaceGallery.Open(_dir)).Message);
    }

    [Fact]
    public void A_gallery_of_a_newer_format_is_refused()
    {
        FaceGallery.Open(GalleryPath).Dispose();
        using (var connection = new SqliteConnection($"Data Source={GalleryPath};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE meta SET value = '99' WHERE key = 'format'";
            command.ExecuteNonQuery();
        }
        Assert.Contains("format 99", Assert.Throws<GalleryException>(() => FaceGallery.Open(GalleryPath)).Message);
    }

    [Fact]
    public void Many_threads_and_a_second_connection_read_while_a_writer_enrols()
    {
        using var writer = FaceGallery.Open(GalleryPath);
        var cast = EnrolCast(writer, people: 20, faces: 5);
        using var reader = FaceGallery.Open(GalleryPath, createIfMissing: false);
        var queries = cast.SelectMany(p => Enumerable.Range(0, 5).Select(_ => (p.Key, Face: _faces.Face(p.Value)))).ToArray();
        var newcomer = _faces.Person();
        var newcomerFace = _faces.Face(newcomer);
        var wrong = 0;
        Parallel.Invoke(
            () => Parallel.For(0, 400, i =>
            {
                var (name, face) = queries[i % queries.Length];
                var gallery = i % 2 == 0 ? writer : reader;
                if (gallery.Identify(face, Threshold).Match?.Name != name)
                    Interlocked.Increment(ref wrong);
            }),
            () => writer.Enroll("newcomer", Faces(_faces.Face(newcomer), _faces.Face(newcomer))));
        Assert.Equal(0, wrong);
        // The reader's cached descriptors are reloaded after the other connection's commit.
        Assert.Equal("newcomer", reader.Identify(newcomerFace, Threshold).Match?.Name);
        Assert.Equal(21, reader.People().Count);
    }

    [Fact]
    public void Names_are_unique_ignoring_case_and_keep_their_first_spelling()
    {
        var clock = new ManualClock(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        using var gallery = FaceGallery.Open(GalleryPath, clock: clock);
        var person = _faces.Person();
        var first = gallery.Enroll("  Amy Farrah Fowler ", Faces(_faces.Face(person)));
        Assert.True(first.CreatedPerson);
        Assert.Equal("Amy Farrah Fowler", first.Person.Name);
        clock.Now += TimeSpan.FromMinutes(5);
        var second = gallery.Enroll("AMY FARRAH FOWLER", Faces(_faces.Face(person), _faces.Face(person)));
        Assert.False(second.CreatedPerson);
        Assert.Equal(2, second.FaceIds.Count);
        Assert.Equal(new GalleryPerson("Amy Farrah Fowler", 3, clock.Now - TimeSpan.FromMinutes(5), clock.Now), second.Person);
        Assert.Equal(second.Person, gallery.Person("amy farrah fowler"));
        Assert.Equal(3, gallery.Faces("amy FARRAH fowler").Count);

        // Case-insensitive beyond ASCII, which SQLite's NOCASE is not.
        gallery.Enroll("Élodie", Faces(_faces.Face(_faces.Person())));
        Assert.Equal("Élodie", gallery.Person("élodie")?.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("tab\there")]
    public void Unusable_names_are_refused(string name)
    {
        using var gallery = FaceGallery.Open(GalleryPath);
        Assert.Throws<GalleryException>(() => gallery.Enroll(name, Faces(_faces.Face(_faces.Person()))));
        Assert.Throws<GalleryException>(() => FaceGallery.CleanName(new string('x', 201)));
        Assert.Empty(gallery.People());
    }

    [Fact]
    public void An_enrolment_without_faces_is_refused()
    {
        using var gallery = FaceGallery.Open(GalleryPath);
        Assert.Contains("at least one face", Assert.Throws<GalleryException>(() => gallery.Enroll("amy", [])).Message);
    }

    [Fact]
    public void Rename_remove_and_remove_face_change_what_identify_sees()
    {
        using var gallery = FaceGallery.Open(GalleryPath);
        var cast = EnrolCast(gallery, people: 3, faces: 2);
        var query = _faces.Face(cast["person0"]);
        Assert.Equal("person0", gallery.Identify(query, Threshold).Match?.Name);

        Assert.True(gallery.Rename("person0", "Penny"));
        Assert.Equal("Penny", gallery.Identify(query, Threshold).Match?.Name);
        Assert.True(gallery.Rename("penny", "PENNY"));
        Assert.Equal("PENNY", gallery.Person("penny")?.Name);
        Assert.False(gallery.Rename("nobody", "someone"));
        Assert.Contains("already enrolled", Assert.Throws<GalleryException>(() => gallery.Rename("penny", "PERSON1")).Message);

        var faces = gallery.Faces("penny");
        Assert.True(gallery.RemoveFace(faces[0].Id));
        Assert.False(gallery.RemoveFace(faces[0].Id));
        Assert.Equal(1, gallery.Person("penny")?.FaceCount);
        Assert.True(gallery.RemoveFace(faces[1].Id));
        Assert.Null(gallery.Person("penny"));
        Assert.NotEqual("PENNY", gallery.Identify(query, Threshold).Nearest?.Name);

        Assert.True(gallery.Remove("PERSON1"));
        Assert.False(gallery.Remove("person1"));
        Assert.Equal(["person2"], gallery.People().Select(p => p.Name));
        Assert.Empty(gallery.Faces("person1"));
        Assert.Equal("person2", gallery.Identify(query, Threshold).Nearest?.Name);
    }

    [Fact]
    public void Removed_face_ids_are_not_reused()
    {
        using var gallery = FaceGallery.Open(GalleryPath);
        var person = _faces.Person();
        var first = gallery.Enroll("amy", Faces(_faces.Face(person))).FaceIds[0];
        gallery.RemoveFace(first);
        Assert.NotEqual(first, gallery.Enroll("amy", Faces(_faces.Face(person))).FaceIds[0]);
    }

    [Fact]
    public void Identify_scans_thousands_of_faces()
    {
        using var gallery = FaceGallery.Open(GalleryPath);
        var cast = EnrolCast(gallery, people: 500, faces: 4);
        var people = cast.ToArray();
        for (var i = 0; i < 200; i++)
        {
            var (name, person) = people[i * 7 % people.Length];
            Assert.Equal(name, gallery.Identify(_faces.Face(person), Threshold).Match?.Name);
        }
    }

    [Fact]
    public void A_disposed_gallery_refuses_use()
    {
        var gallery = FaceGallery.Open(GalleryPath);
        gallery.Dispose();
        gallery.Dispose();
        Assert.Throws<ObjectDisposedException>(() => gallery.People());
    }

    [Theory]
    [InlineData(new[] { 1f, 0f }, new[] { 1f, 0f }, 1f)]
    [InlineData(new[] { 2f, 0f }, new[] { 0.5f, 0f }, 1f)]
    [InlineData(new[] { 1f, 0f }, new[] { 1f, 1f }, 0.70711f)]
    [InlineData(new[] { 1f, 0f }, new[] { 0f, 3f }, 0f)]
    [InlineData(new[] { 1f, 0f }, new[] { -1f, 0.1f }, 0f)]
    public void Similarity_is_the_cosine_of_the_descriptors_whatever_their_length(float[] a, float[] b, float similarity) =>
        Assert.Equal(similarity, GalleryMatch.SimilarityOf(a, b), 4);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
