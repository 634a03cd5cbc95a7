using Sightline.Library.People;
using Sightline.Library.Storage;
using static Sightline.Library.Tests.People.FaceWorld;

namespace Sightline.Library.Tests.People;

/// <summary>People on a library store, run against SQLite and PostgreSQL by the subclasses.</summary>
public abstract class PeopleTests : PeopleStoreFixture
{
    /// <summary>Four people: Ada (1) in photos a1-a5, Bo (2) in b1-b3, Cy (3) in c1-c3, Di (4) in d1-d6; group g has Ada and Di together.</summary>
    private static List<PhotoUpdate> Cast() =>
    [
        .. Enumerable.Range(1, 5).Select(i => Photo($"a{i}", Face(1, i))),
        .. Enumerable.Range(1, 3).Select(i => Photo($"b{i}", Face(2, i))),
        .. Enumerable.Range(1, 3).Select(i => Photo($"c{i}", Face(3, i))),
        .. Enumerable.Range(1, 6).Select(i => Photo($"d{i}", Face(4, i))),
        Photo("g", Face(1, 9), Face(4, 9)),
    ];

    [Fact]
    public async Task A_scan_makes_one_person_per_face_group_and_leaves_a_stranger_alone()
    {
        var store = await OpenAsync();
        var people = Service(store);
        await store.CommitAsync([.. Cast(), Photo("stranger", Face(7, 1))]);

        var report = await people.UpdateAsync();

        Assert.True(report.Full);
        Assert.Equal(Model, report.DescriptorModel);
        Assert.Equal(0.55f, report.Threshold);
        Assert.Equal(20, report.NewFaces);
        Assert.Equal(4, report.People);
        Assert.Equal(19, report.Assigned);
        Assert.Equal(1, report.Unassigned);
        var listed = await people.ListAsync(new PeopleQuery());
        Assert.Equal([7, 6, 3, 3], listed.Select(p => p.FaceCount));
        Assert.Equal([7, 6, 3, 3], listed.Select(p => p.PhotoCount));
        Assert.All(listed, p => Assert.False(p.Confirmed));
        var ada = await people.GetAsync(listed[0].Id);
        Assert.NotNull(ada);
        Assert.All(ada.Faces, f => Assert.Equal(FaceStatus.Assigned, f.Status));
        Assert.Contains(listed[0].CoverFaceId, ada.Faces.Select(f => (long?)f.FaceId));
        var stranger = Assert.Single(await people.GetUnassignedAsync(10));
        Assert.Equal(FaceStatus.Unassigned, stranger.Status);

        var again = await people.UpdateAsync();
        Assert.False(again.Full);
        Assert.Equal(0, again.NewFaces);
        Assert.Equal(0, again.FacesReclustered);
    }

    [Fact]
    public async Task The_schema_3_to_4_migration_keeps_existing_faces_and_they_cluster_afterwards()
    {
        var store = await OpenAsync(migrate: false);
        Assert.Equal(3, await store.MigrateToAsync(3, default));
        for (var i = 1; i <= 3; i++)
        {
            await store.ExecuteAsync("INSERT INTO media (content_hash, kind, format, size, metadata_json, added_at, updated_at, thumbnails) " +
                "VALUES (@hash, 0, 'jpeg', 1, '{}', 0, 0, FALSE)", new { hash = $"h{i}" });
            await store.ExecuteAsync("INSERT INTO faces (media_id, face_index, origin, x, y, width, height, score, descriptor, descriptor_model) " +
                "VALUES ((SELECT id FROM media WHERE content_hash = @hash), 0, 0, 10, 20, 30, 40, 0.9, @descriptor, @model)",
                new { hash = $"h{i}", descriptor = StoreValues.ToBlob(Face(1, i)), model = Model });
        }
        var before = await store.ScalarAsync<long>("SELECT sum(id) FROM faces");

        Assert.Equal(SqlLibraryStore.LatestSchemaVersion, await store.MigrateAsync());

        Assert.Equal(before, await store.ScalarAsync<long>("SELECT sum(id) FROM faces"));
        var photo = await store.GetPhotoAsync((await store.FindByHashAsync("h1"))!.Id);
        var face = Assert.Single(photo!.Faces);
        Assert.Equal(Face(1, 1), face.Descriptor);
        Assert.Null(face.TooPoor);
        var report = await Service(store).UpdateAsync();
        Assert.Equal(1, report.People);
        Assert.Equal(3, report.Assigned);
        Assert.True((await store.CheckIntegrityAsync()).Ok);
    }

    [Fact]
    public async Task Face_rows_keep_their_id_person_and_pin_when_the_photo_is_analysed_again_with_moved_boxes()
    {
        var store = await OpenAsync();
        var people = Service(store);
        await store.CommitAsync([.. Cast()]);
        await people.UpdateAsync();
        var ids = await FaceIdByKeyAsync(people);
        var ada = await people.NameAsync((await PersonByKeyAsync(people))["a1:0"]!.Value, "Ada");

        // The detector finds the two faces of g in the other order, a few pixels off, and a third face.
        await store.CommitAsync([Photo("g", Detected(0, Face(4, 9), shift: 312), Detected(1, Face(1, 9), shift: -290), Detected(2, Face(5, 1)))]);

        var after = await FaceIdByKeyAsync(people);
        Assert.Equal(ids["g:1"], after["g:0"]);
        Assert.Equal(ids["g:0"], after["g:1"]);
        Assert.False(ids.ContainsValue(after["g:2"]));
        var adaFaces = (await people.GetAsync(ada.Id))!.Faces;
        var moved = Assert.Single(adaFaces, f => f.FaceId == ids["g:0"]);
        Assert.True(moved.Confirmed);
        Assert.Equal(1, moved.Index);

        // One face fewer: the gone face's row goes, the other keeps its id.
        await store.CommitAsync([Photo("g", Detected(0, Face(1, 9), shift: 3))]);
        var last = await FaceIdByKeyAsync(people);
        Assert.Equal(ids["g:0"], last["g:0"]);
        Assert.DoesNotContain(ids["g:1"], last.Values);
    }

    [Fact]
    public async Task User_decisions_survive_reclustering_a_rescan_and_a_descriptor_model_change()
    {
        var store = await OpenAsync();
        var people = Service(store);
        // Bo and Cy are one man to the user; two of Di's photos are of her twin.
        await store.CommitAsync([.. Cast()]);
        await people.UpdateAsync();
        var byKey = await PersonByKeyAsync(people);
        var faceIds = await FaceIdByKeyAsync(people);

        var ada = await people.NameAsync(byKey["a1:0"]!.Value, "Ada");
        var bo = await people.MergeAsync(byKey["b1:0"]!.Value, [byKey["c1:0"]!.Value]);
        bo = await people.NameAsync(bo.Id, "Bo");
        var twin = await people.SplitAsync(byKey["d1:0"]!.Value, [faceIds["d5:0"], faceIds["d6:0"]], null, "Twin");
        await people.RejectAsync(ada.Id, [faceIds["a5:0"]]);
        var di = await people.NameAsync(byKey["d1:0"]!.Value, "Di");

        async Task DecisionsHoldAsync(string when)
        {
            var now = await PersonByKeyAsync(people);
            var names = (await people.ListAsync(new PeopleQuery(NamedOnly: true))).ToDictionary(p => p.Id, p => p.Name);
            string? NameOf(string key) => now[key] is { } id ? names.GetValueOrDefault(id) : null;
            Assert.True(new[] { "a1:0", "a2:0", "a3:0", "a4:0", "g:0" }.All(k => NameOf(k) == "Ada"), when + ": Ada's faces");
            Assert.True(new[] { "b1:0", "b2:0", "b3:0", "c1:0", "c2:0", "c3:0" }.All(k => NameOf(k) == "Bo"), when + ": the merged faces");
            Assert.True(new[] { "d1:0", "d2:0", "d3:0", "d4:0", "g:1" }.All(k => NameOf(k) == "Di"), when + ": Di's faces");
            Assert.True(new[] { "d5:0", "d6:0" }.All(k => NameOf(k) == "Twin"), when + ": the split faces");
            Assert.NotEqual("Ada", NameOf("a5:0"));
            Assert.Equal(4, names.Count);
        }

        await DecisionsHoldAsync("after the decisions");
        await people.ReclusterAsync();
        await DecisionsHoldAsync("after re-clustering");

        // A re-scan: the same photos analysed again, boxes a little off.
        await store.CommitAsync(Cast().Select(p => p with { Faces = p.Faces!.Select(f => f with { X = f.X + 4, Y = f.Y - 3 }).ToList() }).ToList());
        await people.UpdateAsync();
        await DecisionsHoldAsync("after a re-scan");

        // Another descriptor model: every face described again, in another space (coordinates permuted and negated: the same distances).
        var permutation = Enumerable.Range(0, Dimension).Select(i => (i * 37 + 11) % Dimension).ToArray();
        float[] Transform(float[] d) => permutation.Select(j => -d[j]).ToArray();
        await store.CommitAsync(Cast().Select(p => p with
        {
            Faces = p.Faces!.Select(f => f with { Descriptor = Transform(f.Descriptor!), DescriptorModel = "another-descriptor" }).ToList(),
        }).ToList());
        var report = await people.UpdateAsync();
        Assert.True(report.Full);
        Assert.Equal("another-descriptor", report.DescriptorModel);
        await DecisionsHoldAsync("after a descriptor model change");
        Assert.Equal(ada.Id, (await people.FindByNameAsync("ada"))!.Id);
        Assert.Equal(twin.Id, (await people.FindByNameAsync("Twin"))!.Id);
        Assert.Equal(di.Id, (await people.FindByNameAsync("DI"))!.Id);
    }

    /// <summary>Photos with a group shot, a bridge between two people and strangers: a partition with some work in it.</summary>
    private static List<PhotoUpdate> Crowd()
    {
        var photos = new List<PhotoUpdate>();
        for (var person = 1; person <= 6; person++)
            for (var i = 1; i <= 5; i++)
                photos.Add(Photo($"p{person}-{i}", Face(person, i)));
        photos.Add(Photo("group", Face(1, 20), Face(2, 20), Face(3, 20)));
        photos.Add(Photo("bridge", Between(4, 5, 0.5f, 1)));
        photos.Add(Photo("near-bridge", Between(4, 5, 0.35f, 2)));
        for (var s = 0; s < 4; s++)
            photos.Add(Photo($"stranger{s}", Face(50 + s, 1)));
        photos.Add(Photo("twins", Face(6, 30, noise: 0.03f), Face(6, 31, noise: 0.03f)));
        return photos;
    }

    [Fact]
    public async Task Incremental_passes_give_the_partition_of_a_full_pass()
    {
        var store = await OpenAsync();
        var people = Service(store);
        var photos = Crowd();
        var order = photos.OrderBy(p => p.ContentHash.GetHashCode(StringComparison.Ordinal) % 7).ThenBy(p => p.ContentHash, StringComparer.Ordinal).ToList();
        var incremental = 0;
        foreach (var batch in order.Chunk(6))
        {
            await store.CommitAsync(batch);
            var report = await people.UpdateAsync();
            incremental += report.Full ? 0 : 1;
            Assert.Equal(batch.Sum(p => p.Faces!.Count), report.NewFaces);
        }
        Assert.True(incremental > 0);
        var afterIncrements = await PartitionAsync(people);

        var full = await people.ReclusterAsync();

        Assert.True(full.Full);
        Assert.Equal(afterIncrements, await PartitionAsync(people));
        Assert.True(full.People >= 6);
    }

    [Fact]
    public async Task Five_ingestion_orders_give_one_partition()
    {
        var partitions = new List<string>();
        for (var seed = 1; seed <= 5; seed++)
        {
            var store = await OpenAsync();
            var people = Service(store);
            var random = new Random(seed);
            foreach (var batch in Crowd().OrderBy(_ => random.Next()).Chunk(5 + seed))
            {
                await store.CommitAsync(batch);
                await people.UpdateAsync();
            }
            partitions.Add(await PartitionAsync(people));
        }
        Assert.All(partitions, p => Assert.Equal(partitions[0], p));
        Assert.Contains('\n', partitions[0]);
    }

    [Fact]
    public async Task Too_poor_faces_are_never_clustered_and_are_shown_with_their_reasons()
    {
        var store = await OpenAsync();
        var people = Service(store);
        await store.CommitAsync([
            .. Enumerable.Range(1, 3).Select(i => Photo($"a{i}", Face(1, i))),
            Photo("poor1", Detected(0, Face(1, 7), tooPoor: "profile")),
            Photo("poor2", Detected(0, Face(1, 8), tooPoor: "cut by the frame, blurred")),
        ]);

        var report = await people.UpdateAsync();

        Assert.Equal(3, report.NewFaces);
        Assert.Equal(3, report.Assigned);
        Assert.Equal(2, report.TooPoor);
        var poor = (await people.GetUnassignedAsync(10)).OrderBy(f => f.PhotoId).ToList();
        Assert.Equal([FaceStatus.TooPoor, FaceStatus.TooPoor], poor.Select(f => f.Status));
        Assert.Equal(["profile", "cut by the frame, blurred"], poor.Select(f => f.TooPoor));

        // A clustered face judged too poor on re-analysis leaves its person.
        await store.CommitAsync([Photo("a3", Detected(0, Face(1, 3), tooPoor: "too small"))]);
        report = await people.UpdateAsync();
        Assert.Equal(2, report.Assigned);
        Assert.Equal(3, report.TooPoor);
        Assert.DoesNotContain(await people.GetAssignmentsAsync(), a => a.Status == FaceStatus.TooPoor && a.PersonId is not null);
    }

    [Fact]
    public async Task Every_refused_decision_says_what_and_why_with_its_kind()
    {
        var store = await OpenAsync();
        var people = Service(store);
        await store.CommitAsync([.. Cast()]);
        await people.UpdateAsync();
        var byKey = await PersonByKeyAsync(people);
        var faceIds = await FaceIdByKeyAsync(people);
        var (ada, bo, cy, di) = (byKey["a1:0"]!.Value, byKey["b1:0"]!.Value, byKey["c1:0"]!.Value, byKey["d1:0"]!.Value);
        await people.NameAsync(bo, "Bo");

        async Task Refused(PeopleErrorKind kind, string message, Func<Task> call)
        {
            var e = await Assert.ThrowsAsync<PeopleException>(call);
            Assert.Equal(kind, e.Kind);
            Assert.Contains(message, e.Message);
        }

        await Refused(PeopleErrorKind.NotFound, "person 999999 does not exist", () => people.NameAsync(999_999, "X"));
        await Refused(PeopleErrorKind.NotFound, "face 999999 does not exist", () => people.SetCoverAsync(ada, 999_999));
        await Refused(PeopleErrorKind.Invalid, "name cannot be empty", () => people.NameAsync(ada, "  "));
        await Refused(PeopleErrorKind.Invalid, $"face {faceIds["b1:0"]} is not person {ada}'s", () => people.SplitAsync(ada, [faceIds["b1:0"]], null, null));
        await Refused(PeopleErrorKind.Invalid, $"face {faceIds["b1:0"]} is not person {ada}'s", () => people.SetCoverAsync(ada, faceIds["b1:0"]));
        await Refused(PeopleErrorKind.Invalid, "names no faces", () => people.RejectAsync(ada, []));
        await Refused(PeopleErrorKind.Conflict, $"person {cy} cannot be named \"bo\": person {bo} already has that name", () => people.NameAsync(cy, "bo"));
        await Refused(PeopleErrorKind.Conflict, $"person {ada} cannot be merged into themselves", () => people.MergeAsync(ada, [ada]));
        var group = (await store.FindByHashAsync("g"))!.Id;
        await Refused(PeopleErrorKind.Conflict, $"face in photo {group}", () => people.MergeAsync(ada, [di]));
        await Refused(PeopleErrorKind.Conflict, $"person {di} already has a face in photo {group}", () => people.SplitAsync(ada, [faceIds["g:0"]], di, null));

        // Nothing of the refused decisions was written.
        var names = (await people.ListAsync(new PeopleQuery(NamedOnly: true))).Select(p => p.Name);
        Assert.Equal(["Bo"], names);
        Assert.Equal(byKey, await PersonByKeyAsync(people));
    }

    [Fact]
    public async Task Merge_keeps_the_targets_name_or_takes_the_others_and_split_and_cover_land_where_asked()
    {
        var store = await OpenAsync();
        var people = Service(store);
        await store.CommitAsync([.. Cast()]);
        await people.UpdateAsync();
        var byKey = await PersonByKeyAsync(people);
        var faceIds = await FaceIdByKeyAsync(people);
        var (bo, cy, di) = (byKey["b1:0"]!.Value, byKey["c1:0"]!.Value, byKey["d1:0"]!.Value);
        await people.NameAsync(cy, "Cy");

        var merged = await people.MergeAsync(bo, [cy]);

        Assert.Equal("Cy", merged.Name);
        Assert.Equal(6, merged.FaceCount);
        Assert.True(merged.Confirmed);
        Assert.Null(await people.GetAsync(cy));

        var cover = await people.SetCoverAsync(di, faceIds["d3:0"]);
        Assert.Equal(faceIds["d3:0"], cover.CoverFaceId);
        Assert.Equal((await store.FindByHashAsync("d3"))!.Id, cover.CoverPhotoId);

        var moved = await people.SplitAsync(di, [faceIds["d2:0"]], bo, null);
        Assert.Equal(bo, moved.Id);
        Assert.Equal(7, moved.FaceCount);
        var hidden = await people.HideAsync(di, true);
        Assert.True(hidden.Hidden);
        Assert.DoesNotContain(await people.ListAsync(new PeopleQuery()), p => p.Id == di);
        Assert.Contains(await people.ListAsync(new PeopleQuery(IncludeHidden: true)), p => p.Id == di);
    }

    [Fact]
    public async Task Assigning_faces_gives_a_stranger_a_new_person_a_too_poor_face_a_known_one_and_survives_reclustering()
    {
        var store = await OpenAsync();
        var people = Service(store);
        await store.CommitAsync([.. Cast(), Photo("stranger", Face(7, 1)), Photo("poor", Detected(0, Face(1, 7), tooPoor: "profile"))]);
        await people.UpdateAsync();
        var byKey = await PersonByKeyAsync(people);
        var faceIds = await FaceIdByKeyAsync(people);
        var (ada, bo, cy) = (byKey["a1:0"]!.Value, byKey["b1:0"]!.Value, byKey["c1:0"]!.Value);
        Assert.Null(byKey["stranger:0"]);
        Assert.Null(byKey["poor:0"]);

        var eve = await people.AssignAsync([faceIds["stranger:0"]], null, "Eve");
        Assert.Equal("Eve", eve.Name);
        Assert.Equal(1, eve.FaceCount);
        Assert.True(eve.Confirmed);
        var withPoor = await people.AssignAsync([faceIds["poor:0"]], ada, null);
        Assert.Equal(ada, withPoor.Id);
        Assert.Equal(7, withPoor.FaceCount);
        // A face can also leave another person: Bo's first face is Cy's to the user.
        var cyNow = await people.AssignAsync([faceIds["b1:0"]], cy, null);
        Assert.Equal(4, cyNow.FaceCount);
        var boNow = await people.GetAsync(bo);
        Assert.NotNull(boNow);
        Assert.Equal(2, boNow.Faces.Count);
        Assert.True(boNow.Person.Confirmed);
        Assert.Empty(await people.GetUnassignedAsync(10));

        await people.ReclusterAsync();

        var after = await PersonByKeyAsync(people);
        Assert.Equal(eve.Id, after["stranger:0"]);
        Assert.Equal(ada, after["poor:0"]);
        Assert.Equal(cy, after["b1:0"]);
        Assert.Equal(bo, after["b2:0"]);
        Assert.Contains((await people.GetAsync(ada))!.Faces, f => f.FaceId == faceIds["poor:0"] && f.Confirmed);
    }

    [Fact]
    public async Task A_refused_assignment_says_why_and_changes_nothing()
    {
        var store = await OpenAsync();
        var people = Service(store);
        await store.CommitAsync([.. Cast(), Photo("stranger", Face(7, 1))]);
        await people.UpdateAsync();
        var byKey = await PersonByKeyAsync(people);
        var faceIds = await FaceIdByKeyAsync(people);
        var (ada, bo, di) = (byKey["a1:0"]!.Value, byKey["b1:0"]!.Value, byKey["d1:0"]!.Value);
        await people.NameAsync(bo, "Bo");
        var group = (await store.FindByHashAsync("g"))!.Id;

        async Task Refused(PeopleErrorKind kind, string message, Func<Task> call)
        {
            var e = await Assert.ThrowsAsync<PeopleException>(call);
            Assert.Equal(kind, e.Kind);
            Assert.Contains(message, e.Message);
        }

        await Refused(PeopleErrorKind.Invalid, "names no faces", () => people.AssignAsync([], ada, null));
        await Refused(PeopleErrorKind.Invalid, "one of the two", () => people.AssignAsync([faceIds["stranger:0"]], ada, "Eve"));
        await Refused(PeopleErrorKind.Invalid, "one of the two", () => people.AssignAsync([faceIds["stranger:0"]], null, null));
        await Refused(PeopleErrorKind.NotFound, "face 999999 does not exist", () => people.AssignAsync([999_999], ada, null));
        await Refused(PeopleErrorKind.NotFound, "person 999999 does not exist", () => people.AssignAsync([faceIds["stranger:0"]], 999_999, null));
        await Refused(PeopleErrorKind.Conflict, $"same photo {group}", () => people.AssignAsync([faceIds["g:0"], faceIds["g:1"]], bo, null));
        await Refused(PeopleErrorKind.Conflict, $"person {ada} already has a face in photo {group}", () => people.AssignAsync([faceIds["stranger:0"], faceIds["g:1"]], ada, null));
        await Refused(PeopleErrorKind.Conflict, "already has that name", () => people.AssignAsync([faceIds["stranger:0"]], null, "bo"));

        Assert.Equal(byKey, await PersonByKeyAsync(people));
        Assert.Equal(["Bo"], (await people.ListAsync(new PeopleQuery(NamedOnly: true))).Select(p => p.Name));
        Assert.Equal(di, (await PersonByKeyAsync(people))["g:1"]);
    }

    [Fact]
    public async Task A_confirmed_person_left_without_faces_is_kept_and_a_rejected_face_stays_out()
    {
        var store = await OpenAsync();
        var people = Service(store);
        await store.CommitAsync([.. Enumerable.Range(1, 3).Select(i => Photo($"a{i}", Face(1, i)))]);
        await people.UpdateAsync();
        var faceIds = await FaceIdByKeyAsync(people);
        var ada = (await people.ListAsync(new PeopleQuery()))[0];

        var left = await people.RejectAsync(ada.Id, [faceIds["a1:0"], faceIds["a2:0"], faceIds["a3:0"]]);

        Assert.Equal(0, left.FaceCount);
        Assert.True(left.Confirmed);
        await people.ReclusterAsync();
        var kept = await people.GetAsync(ada.Id);
        Assert.NotNull(kept);
        Assert.Empty(kept.Faces);
        // The rejected faces may form someone else, never Ada again.
        Assert.DoesNotContain(await people.GetAssignmentsAsync(), a => a.PersonId == ada.Id);
    }

    [Fact]
    public async Task Suggestions_pair_near_people_who_never_share_a_photo()
    {
        var store = await OpenAsync();
        // Two groups of one person, a little apart (the cut splits them); a third person elsewhere.
        var options = PeopleOptions.Default with { Threshold = 0.3f };
        var people = Service(store, options);
        await store.CommitAsync([
            .. Enumerable.Range(1, 3).Select(i => Photo($"x{i}", Between(1, 2, 0.0f, i))),
            .. Enumerable.Range(1, 3).Select(i => Photo($"y{i}", Between(1, 2, 0.4f, i))),
            .. Enumerable.Range(1, 3).Select(i => Photo($"z{i}", Face(3, i))),
        ]);
        await people.UpdateAsync();
        var byKey = await PersonByKeyAsync(people);

        var suggestion = Assert.Single(await people.SuggestAsync(10));

        Assert.Equal(new[] { byKey["x1:0"], byKey["y1:0"] }.Order(), new long?[] { suggestion.First.Id, suggestion.Second.Id }.Order());
        Assert.InRange(suggestion.Distance, 0.3f, 0.45f);
        // In one photo together: never the same person.
        await store.CommitAsync([Photo("xy", Between(1, 2, 0.0f, 9), Between(1, 2, 0.4f, 9))]);
        await people.UpdateAsync();
        Assert.Empty(await people.SuggestAsync(10));
    }

    [Fact]
    public async Task A_gallery_names_the_library_faces_nearest_its_people_one_face_per_photo()
    {
        var store = await OpenAsync();
        var people = Service(store);
        await store.CommitAsync([
            .. Enumerable.Range(1, 3).Select(i => Photo($"a{i}", Face(1, i))),
            .. Enumerable.Range(1, 2).Select(i => Photo($"b{i}", Face(2, i))),
            Photo("both", Face(1, 50, noise: 0.02f), Face(1, 51, noise: 0.001f)),
            Photo("stranger", Face(3, 1)),
        ]);
        await people.UpdateAsync();
        var bo = await people.NameAsync((await PersonByKeyAsync(people))["b1:0"]!.Value, "bo");
        var path = Path.Combine(Path.GetTempPath(), "sightline-gallery-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            using (var gallery = Sightline.Faces.Gallery.FaceGallery.Open(path))
            {
                foreach (var (name, person) in new[] { ("Ada", 1), ("Bo", 2), ("Cy", 9) })
                    gallery.Enroll(name, [new Sightline.Faces.Gallery.EnrolledFace(
                        new Sightline.Faces.Descriptors.FaceDescriptor(Model, Sightline.Faces.Descriptors.DescriptorMetric.Euclidean, Face(person, 100)), $"{name}.jpg")]);

                var report = await people.ImportGalleryAsync(gallery);

                Assert.Equal(2, report.People);
                Assert.Equal(4, report.Faces); // Bo's two faces were his already
                Assert.StartsWith("Cy: no face of the library", Assert.Single(report.Skipped));
            }
            var ada = (await people.FindByNameAsync("Ada"))!;
            Assert.True(ada.Confirmed);
            var byKey = await PersonByKeyAsync(people);
            Assert.True(new[] { "a1:0", "a2:0", "a3:0", "both:1" }.All(k => byKey[k] == ada.Id));
            Assert.NotEqual(ada.Id, byKey["both:0"]);
            Assert.Equal(bo.Id, byKey["b2:0"]);
            Assert.Null(byKey["stranger:0"]);
            Assert.Equal(2, (await people.ListAsync(new PeopleQuery(NamedOnly: true))).Count);

            var other = path + "-other.db";
            using var otherGallery = Sightline.Faces.Gallery.FaceGallery.Open(other);
            otherGallery.Enroll("Ada", [new Sightline.Faces.Gallery.EnrolledFace(
                new Sightline.Faces.Descriptors.FaceDescriptor("another-descriptor", Sightline.Faces.Descriptors.DescriptorMetric.Euclidean, Face(1, 100)), "ada.jpg")]);
            var refused = await people.ImportGalleryAsync(otherGallery);
            Assert.Equal((0, 0), (refused.People, refused.Faces));
            Assert.Contains("cannot be compared", Assert.Single(refused.Skipped));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*"))
                File.Delete(file);
        }
    }

    [Fact]
    public async Task An_incremental_pass_reclusters_only_the_components_its_new_faces_touch()
    {
        var store = await OpenAsync();
        var people = Service(store);
        await store.CommitAsync([.. Enumerable.Range(0, 40).SelectMany(p => Enumerable.Range(0, 5).Select(v => Photo($"h{p}-{v}", Face(p, v))))]);
        Assert.Equal(40, (await people.UpdateAsync()).People);

        // New faces of 3 people and one stranger.
        await store.CommitAsync([Photo("n1", Face(3, 9)), Photo("n2", Face(17, 9)), Photo("n3", Face(17, 10)), Photo("n4", Face(31, 9)), Photo("n5", Face(99, 1))]);
        var report = await people.UpdateAsync();

        Assert.False(report.Full);
        Assert.Equal(5, report.NewFaces);
        Assert.Equal(5 + 3 * 5, report.FacesReclustered);
        Assert.Equal(4, report.ComponentsReclustered);
        Assert.Equal(40, report.People);
        Assert.Equal(204, report.Assigned);
    }

    [Fact]
    public async Task Above_the_exact_size_new_faces_are_placed_locally_and_a_full_pass_settles_to_the_order_free_partition()
    {
        var store = await OpenAsync();
        var local = new PeopleOptions { ExactUpTo = 50 };
        var people = Service(store, local);
        await store.CommitAsync([.. Enumerable.Range(0, 40).SelectMany(p => Enumerable.Range(0, 5).Select(v => Photo($"h{p}-{v}", Face(p, v))))]);
        Assert.True((await people.UpdateAsync()).Full);
        var before = await PersonByKeyAsync(people);

        // 5 new faces are 2.5 % of 200: placed locally, each with the people of its nearest faces.
        await store.CommitAsync([Photo("n1", Face(3, 9)), Photo("n2", Face(17, 9)), Photo("n3", Face(17, 10)), Photo("n4", Face(99, 1)), Photo("n5", Face(98, 1))]);
        var report = await people.UpdateAsync();

        Assert.False(report.Full);
        Assert.Equal(5, report.NewFaces);
        Assert.Equal(5 + 2 * 5, report.FacesReclustered);
        var after = await PersonByKeyAsync(people);
        Assert.Equal(after["h3-0:0"], after["n1:0"]);
        Assert.Equal(after["h17-0:0"], after["n2:0"]);
        Assert.Equal(after["h17-0:0"], after["n3:0"]);
        Assert.Null(after["n4:0"]);
        Assert.Null(after["n5:0"]);
        Assert.All(before, b => Assert.Equal(b.Value, after[b.Key]));

        // New faces reaching a tenth of the library make the pass full: the partition a fresh library of the same faces gets.
        await store.CommitAsync([.. Enumerable.Range(40, 5).SelectMany(p => Enumerable.Range(0, 5).Select(v => Photo($"h{p}-{v}", Face(p, v))))]);
        Assert.True((await people.UpdateAsync()).Full);
        var settled = await PartitionAsync(people);
        var fresh = await OpenAsync();
        var freshPeople = Service(fresh, local);
        await fresh.CommitAsync([.. Enumerable.Range(0, 45).SelectMany(p => Enumerable.Range(0, 5).Select(v => Photo($"h{p}-{v}", Face(p, v)))),
            Photo("n1", Face(3, 9)), Photo("n2", Face(17, 9)), Photo("n3", Face(17, 10)), Photo("n4", Face(99, 1)), Photo("n5", Face(98, 1))]);
        await freshPeople.UpdateAsync();
        Assert.Equal(await PartitionAsync(freshPeople), settled);
    }
}
