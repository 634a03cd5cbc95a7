using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Faces;
using Sightline.Faces.Attributes;
using Sightline.Faces.Descriptors;
using Sightline.Faces.Detection;
using Sightline.Faces.Gallery;
using Sightline.Imaging;
using Sightline.Inference.Timing;
using Sightline.Server.Errors;
using Sightline.Server.Hosting;
using Sightline.Vision.Results;

namespace Sightline.Server.Api;

/// <summary>
/// The face endpoints (/v1/faces, /v1/faces/verify, /v1/faces/identify) and the gallery they identify
/// against (/v1/gallery). Images go in as for the other tasks: multipart/form-data or the raw body.
/// </summary>
public static class FaceEndpoints
{
    /// <summary>Most photos one enrolment request takes.</summary>
    public const int MaxEnrollImages = 10;

    public static void Map(IEndpointRouteBuilder app)
    {
        var faces = app.MapGroup("/v1").WithTags("faces");

        faces.MapPost("/faces", async (HttpRequest request, FaceServices services, AnalysisServices analysis, float? minScore, float? minSize, int? max,
                string? descriptor, string? emotion, bool? liveness, bool? descriptors, bool? identify, float? threshold, CancellationToken ct) =>
            {
                var detect = DetectOptionsFrom(minScore, minSize, max);
                var emotionModel = string.IsNullOrWhiteSpace(emotion) ? FaceModels.Default.Emotion : FaceModels.EmotionId(emotion);
                FaceComparison.CheckThreshold(threshold);
                var gallery = identify == true ? services.Gallery() : null;
                var task = await FacesTaskAsync(analysis, detect, ForGallery(gallery, descriptor), emotionModel, liveness == true, ct).ConfigureAwait(false);
                return await AnalyzeAsync(request, services, analysis, task, gallery, threshold, descriptors == true, ct).ConfigureAwait(false);
            })
            .WithName("Faces")
            .WithSummary("Every face: box, score, 5 and 68 landmarks, pose, quality, emotion, age and gender; optionally liveness, descriptors and gallery identity")
            .WithDescription("Query: minScore (0-1, default 0.7), minSize (pixels, default 40), max (default 100), descriptor (face-api|faceres), emotion (face-api|human), "
                + "liveness=true, descriptors=true (include descriptor values), identify=true (match against the server's gallery), threshold (distance under which a match counts).")
            .Accepts<IFormFile>("multipart/form-data", "image/*", "application/octet-stream").DisableAntiforgery();

        faces.MapPost("/faces/identify", async (HttpRequest request, FaceServices services, AnalysisServices analysis, float? minScore, float? minSize, int? max,
                string? descriptor, float? threshold, CancellationToken ct) =>
            {
                var detect = DetectOptionsFrom(minScore, minSize, max);
                FaceComparison.CheckThreshold(threshold);
                var gallery = services.Gallery();
                // Every face attribute, as /v1/faces?identify=true answers: identifying a face does not hide its expression.
                var task = await FacesTaskAsync(analysis, detect, ForGallery(gallery, descriptor), null, false, ct).ConfigureAwait(false);
                return await AnalyzeAsync(request, services, analysis, task, gallery, threshold, false, ct).ConfigureAwait(false);
            })
            .WithName("IdentifyFaces").WithSummary("Every face with the nearest person of the server's gallery, or unknown")
            .Accepts<IFormFile>("multipart/form-data", "image/*", "application/octet-stream").DisableAntiforgery();

        faces.MapPost("/faces/verify", async (HttpRequest request, FaceServices services, AnalysisServices analysis, ServerOptions options, string? descriptor, float? threshold,
                float? minScore, float? minSize, CancellationToken ct) =>
            {
                var detect = DetectOptionsFrom(minScore, minSize, null);
                FaceComparison.CheckThreshold(threshold);
                var describer = string.IsNullOrWhiteSpace(descriptor) ? FaceModels.Default.Describer : FaceModels.DescriberId(descriptor);
                var task = await FacesTaskAsync(analysis, detect, describer, null, false, ct).ConfigureAwait(false);
                var files = await ImageUpload.ReadFilesAsync(request, options.ImageLimits, options.MaxUploadBytes, 2, ct).ConfigureAwait(false);
                var a = files.FirstOrDefault(f => f.Field == "a");
                var b = files.FirstOrDefault(f => f.Field == "b");
                if ((a is null || b is null) && files.Count == 2 && files.All(f => f.Field is not ("a" or "b")))
                    (a, b) = (files[0], files[1]);
                if (a is null || b is null)
                    throw ApiProblem.BadParameter("send two images as multipart/form-data, in fields 'a' and 'b'");
                var analysisOptions = new FaceAnalysisOptions(detect, FaceTasks.Recognition);
                var (first, faceA) = await LargestFaceAsync(services, task, a, "a", options.ImageLimits, analysisOptions).ConfigureAwait(false);
                var (second, faceB) = await LargestFaceAsync(services, task, b, "b", options.ImageLimits, analysisOptions).ConfigureAwait(false);
                return FaceVerification.Of(first, faceA, second, faceB, task.Analyzer.Describer, task.Models, threshold);
            })
            .WithName("VerifyFaces").Produces<FaceVerification>()
            .WithSummary("Whether the largest faces of two images (multipart fields 'a' and 'b') are the same person: same, distance, threshold, confidence")
            .Accepts<IFormFileCollection>("multipart/form-data").DisableAntiforgery();

        var gallery = app.MapGroup("/v1/gallery").WithTags("gallery");

        gallery.MapGet("/people", (FaceServices services) =>
            {
                var g = services.Gallery();
                return new GalleryPeopleResponse(GalleryModelInfo.From(g.Model), g.People().Select(PersonInfo.From).ToList());
            })
            .WithName("ListPeople").WithSummary("Everyone enrolled in the server's face gallery, with the gallery's descriptor model");

        gallery.MapGet("/people/{name}", (FaceServices services, string name) =>
            {
                var clean = CleanName(name);
                var g = services.Gallery();
                var person = g.Person(clean) ?? throw UnknownPerson(clean);
                return new PersonDetail(person.Name, person.FaceCount, person.Created, person.Updated,
                    g.Faces(clean).Select(f => new StoredFaceInfo(f.Id, f.Source, f.Quality, f.Added)).ToList());
            })
            .WithName("GetPerson").WithSummary("One enrolled person and their stored faces");

        gallery.MapPost("/people/{name}/faces", async (HttpRequest request, FaceServices services, AnalysisServices analysis, ServerOptions options, string name,
                string? descriptor, float? minScore, float? minSize, float? minQuality, CancellationToken ct) =>
            {
                var start = Stopwatch.GetTimestamp();
                var clean = CleanName(name);
                var detect = DetectOptionsFrom(minScore, minSize, null);
                var enrolment = new EnrolmentOptions(minQuality ?? EnrolmentOptions.Default.MinQuality);
                enrolment.Validate();
                var g = services.Gallery();
                var task = await FacesTaskAsync(analysis, detect, ForGallery(g, descriptor), null, false, ct).ConfigureAwait(false);
                var files = await ImageUpload.ReadFilesAsync(request, options.ImageLimits, options.MaxUploadBytes, MaxEnrollImages, ct).ConfigureAwait(false);
                var analysisOptions = new FaceAnalysisOptions(detect, FaceTasks.Recognition);
                var photos = new List<EnrolmentPhoto>();
                // Every image is decoded and analysed before anything is written: a bad one fails the request, the gallery untouched.
                foreach (var file in files)
                {
                    using var image = ImageDecoder.Decode(file.Bytes, file.Name, task.DecodeSize, options.ImageLimits);
                    photos.Add(new EnrolmentPhoto(file.Name, await services.RunAsync(() => task.Analyzer.Analyze(image, analysisOptions)).ConfigureAwait(false)));
                }
                var plan = EnrolmentChoice.Plan(photos, enrolment);
                if (plan.Chosen.Count == 0)
                    throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "no_face", plan.NothingUsable());
                var result = g.Enroll(clean, plan.Faces());
                var enrolled = plan.Chosen.Select((c, i) => new EnrolledFaceInfo(result.FaceIds[i], c.Photo.Source, c.Face.Box, c.Face.Quality?.Score)).ToList();
                var skipped = plan.Skipped.Select(s => new SkippedImage(s.Source, s.Reason)).ToList();
                var response = new EnrollResponse(PersonInfo.From(result.Person), result.CreatedPerson, enrolled, skipped, DescriberRef(task), StageTimings.Since(start));
                return result.CreatedPerson
                    ? Results.Created($"/v1/gallery/people/{Uri.EscapeDataString(result.Person.Name)}", response)
                    : Results.Ok(response);
            })
            .WithName("EnrollPerson")
            .WithSummary("Enrols the largest face of each uploaded photo (up to 10, any field names) under the name; creates the person when new (201)")
            .Produces<EnrollResponse>(StatusCodes.Status200OK).Produces<EnrollResponse>(StatusCodes.Status201Created)
            .Accepts<IFormFileCollection>("multipart/form-data", "image/*", "application/octet-stream").DisableAntiforgery();

        gallery.MapDelete("/people/{name}", (FaceServices services, string name) =>
            {
                var clean = CleanName(name);
                return services.Gallery().Remove(clean) ? Results.NoContent() : throw UnknownPerson(clean);
            })
            .WithName("RemovePerson").WithSummary("Removes a person and all their faces from the gallery")
            .Produces(StatusCodes.Status204NoContent);

        gallery.MapPatch("/people/{name}", (FaceServices services, string name, RenameRequest body) =>
            {
                var from = CleanName(name);
                var to = CleanName(body.Name);
                var g = services.Gallery();
                bool renamed;
                try
                {
                    renamed = g.Rename(from, to);
                }
                catch (GalleryException e)
                {
                    throw new ApiProblemException(StatusCodes.Status409Conflict, "name_taken", e.Message);
                }
                if (!renamed)
                    throw UnknownPerson(from);
                return PersonInfo.From(g.Person(to)!.Value);
            })
            .WithName("RenamePerson").WithSummary("Renames a person: body {\"name\": \"new name\"}").DisableAntiforgery();

        gallery.MapDelete("/faces/{id:long}", (FaceServices services, long id) =>
                services.Gallery().RemoveFace(id) ? Results.NoContent() : throw new ApiProblemException(StatusCodes.Status404NotFound, "unknown_face", $"the gallery has no face {id}"))
            .WithName("RemoveFace").WithSummary("Removes one stored face; a person left without faces is removed too")
            .Produces(StatusCodes.Status204NoContent);
    }

    /// <summary>
    /// The registry's faces task for these models and faces, built once per choice on the server's shared task
    /// context. Its face analysis runs on the face worker (<see cref="FaceServices.RunAsync{T}"/>).
    /// </summary>
    private static Task<FacesTask> FacesTaskAsync(AnalysisServices analysis, FaceDetectOptions detect, string describer, string? emotion, bool liveness, CancellationToken ct) =>
        analysis.TaskAsync<FacesTask>(FacesTask.TaskName, new FacesTaskOptions
        {
            Describer = describer,
            Emotion = emotion ?? FaceModels.Default.Emotion,
            MinScore = detect.MinScore,
            MinFaceSize = detect.MinFaceSize,
            MaxFaces = detect.MaxFaces,
            Liveness = liveness,
        }, ct);

    /// <summary>The faces task's record on the upload; with a gallery, each face is named from it.</summary>
    private static async Task<FacesResult> AnalyzeAsync(HttpRequest request, FaceServices services, AnalysisServices analysis, FacesTask task,
        FaceGallery? gallery, float? threshold, bool withDescriptors, CancellationToken ct)
    {
        var run = await analysis.RunAsync(request, task.DecodeSize, image => services.RunAsync(() => task.Analyzer.Analyze(image, task.AnalysisOptions)), ct).ConfigureAwait(false);
        var describer = task.Analyzer.Describer;
        return FacesResult.Of(run.Result, task.Models, withDescriptors, run.DecodeMs, gallery, FaceComparison.ThresholdFor(describer, threshold), describer);
    }

    private static async Task<(VerifiedImage Image, AnalyzedFace Face)> LargestFaceAsync(FaceServices services, FacesTask task, UploadedImage file, string field, ImageLimits limits,
        FaceAnalysisOptions analysisOptions)
    {
        var start = Stopwatch.GetTimestamp();
        using var image = ImageDecoder.Decode(file.Bytes, file.Name, task.DecodeSize, limits);
        var decodeMs = StageTimings.Since(start);
        var analysis = await services.RunAsync(() => task.Analyzer.Analyze(image, analysisOptions)).ConfigureAwait(false);
        var face = analysis.LargestFace() is { Descriptor: not null } largest ? largest
            : throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "no_face", $"image '{field}' ({file.Name}) has no face to compare");
        return (VerifiedImage.From(analysis, face, decodeMs), face);
    }

    private static ModelRef DescriberRef(FacesTask task) =>
        task.Models.FirstOrDefault(m => m.Role == "descriptor") is { } d ? new ModelRef(d.Id, d.Version) : new ModelRef(task.Analyzer.Describer.ModelId, "");

    /// <summary>The request's values on the library's defaults, checked (before any model is loaded) to the ranges the CLI accepts too.</summary>
    private static FaceDetectOptions DetectOptionsFrom(float? minScore, float? minSize, int? max)
    {
        var defaults = FaceDetectOptions.Default;
        var options = defaults with { MinScore = minScore ?? defaults.MinScore, MinFaceSize = minSize ?? defaults.MinFaceSize, MaxFaces = max ?? defaults.MaxFaces };
        options.Validate();
        return options;
    }

    /// <summary>The descriptor model to use with the gallery (see <see cref="GalleryCompatibility"/>).</summary>
    private static string ForGallery(FaceGallery? gallery, string? descriptor) => GalleryCompatibility.DescriberFor(descriptor, gallery?.Model, null);

    private static string CleanName(string name)
    {
        try
        {
            return FaceGallery.CleanName(name ?? "");
        }
        catch (GalleryException e)
        {
            throw ApiProblem.BadParameter(e.Message);
        }
    }

    private static ApiProblemException UnknownPerson(string name) =>
        new(StatusCodes.Status404NotFound, "unknown_person", $"nobody called '{name}' is enrolled in the gallery");
}
