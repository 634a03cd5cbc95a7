using System.Globalization;
using System.Text.Json;

namespace Sightline.Bench;

/// <summary>
/// The JavaScript face references, run in Node as child processes: @vladmandic/face-api 1.7.15's full analysis
/// (tools/reference/faces.js: SSD MobileNet v1 or TinyFaceDetector, 68 landmarks, 128-d descriptor, expressions,
/// age and gender) and @vladmandic/human 3.3.6's face pipeline (tools/human-reference/faces.js: BlazeFace, FaceMesh,
/// 1024-d faceres descriptor, emotion, age and gender), both on TensorFlow.js 4.22.0's WASM backend (one thread).
/// By default every image is decoded once by Sightline's own decoder (full size, EXIF orientation applied) and
/// handed to Node as raw RGB, so the references see the same pixels as Sightline; per image the scripts time the
/// library call alone (median of <see cref="Options.Repeat"/> runs), decoding apart.
/// </summary>
internal static class FaceReferences
{
    internal enum Library
    {
        /// <summary>@vladmandic/face-api (tools/reference).</summary>
        FaceApi,

        /// <summary>@vladmandic/human (tools/human-reference).</summary>
        Human,
    }

    /// <summary>
    /// Expression labels as face-api names them (and faces-bbt/emotions.csv): human's "disgust", "fear" and
    /// "surprise" are reported as "disgusted", "fearful" and "surprised".
    /// </summary>
    internal static readonly IReadOnlyList<string> EmotionLabels = ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"];

    /// <summary>Null when the script, its installed packages and node are there; otherwise what to do, naming the npm ci command.</summary>
    internal static string? CheckInstalled(Library library, string? referenceDir = null, string? node = null)
    {
        var script = Path.Combine(referenceDir ?? DefaultDirectory(library), "faces.js");
        string[] required = library == Library.FaceApi
            ? [
                Path.Combine("@vladmandic", "face-api", "dist", "face-api.node-wasm.js"),
                Path.Combine("@vladmandic", "face-api", "model", "ssd_mobilenetv1_model-weights_manifest.json"),
                Path.Combine("@tensorflow", "tfjs-backend-wasm", "dist", "tfjs-backend-wasm-simd.wasm"),
                Path.Combine("@tensorflow", "tfjs", "package.json"),
            ]
            : [
                Path.Combine("@vladmandic", "human", "dist", "human.node-wasm.js"),
                Path.Combine("@vladmandic", "human", "models", "blazeface.json"),
                Path.Combine("@tensorflow", "tfjs-backend-wasm", "dist", "tfjs-backend-wasm-simd.wasm"),
                Path.Combine("@tensorflow", "tfjs-core", "package.json"),
                Path.Combine("@tensorflow", "tfjs-converter", "package.json"),
            ];
        return NodeReference.CheckInstalled(node ?? NodeReference.DefaultNode(), script, $"{Name(library)} face reference not found: '{script}'", Name(library), required);
    }

    /// <summary>
    /// Runs the library's faces.js over <paramref name="files"/> in one Node process and returns its results in
    /// the order of the files. Throws when the script fails as a whole (one image failing is reported in its
    /// <see cref="Image.Error"/>); call <see cref="CheckInstalled"/> first for a friendly message.
    /// </summary>
    internal static async Task<Run> RunAsync(Library library, IReadOnlyList<string> files, Options? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new Options();
        var dir = options.ReferenceDir ?? DefaultDirectory(library);
        var folder = Path.Combine(Path.GetTempPath(), $"sightline-faces-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var arguments = new List<string>();
            var decodeErrors = new string?[files.Count];
            var workers = Math.Max(1, Math.Min(options.Workers, files.Count));
            // Per worker its inputs (files, or its share of the RGB list) and their places in the list the run covers.
            var shares = new List<(IReadOnlyList<string> Inputs, IReadOnlyList<int> Indices)>();
            if (options.DecodeInNode)
                for (var w = 0; w < workers; w++)
                {
                    var indices = Enumerable.Range(0, files.Count).Where(i => i % workers == w).ToList();
                    shares.Add((indices.Select(i => files[i]).ToList(), indices));
                }
            else
            {
                var rgb = NodeReference.WriteRgbList(files, folder, withSource: true);
                for (var i = 0; i < files.Count; i++)
                    decodeErrors[i] = rgb.Errors[i] is { } error ? $"{files[i]}: {error}" : null;
                shares.AddRange(NodeReference.Shard(rgb.ListFile, Math.Min(workers, Math.Max(1, rgb.Written))).Select(s => ((IReadOnlyList<string>)["--list", s.ListFile], s.Indices)));
            }
            arguments.AddRange(["--warmup", options.Warmup.ToString(CultureInfo.InvariantCulture), "--repeat", Math.Max(1, options.Repeat).ToString(CultureInfo.InvariantCulture), "--backend", options.Backend, "--barrier"]);
            if (options.MinConfidence is { } minConfidence)
                arguments.AddRange(["--min-confidence", minConfidence.ToString(CultureInfo.InvariantCulture)]);
            if (library == Library.FaceApi && options.Detector is { } detector)
                arguments.AddRange(["--detector", detector]);
            if (library == Library.Human)
            {
                if (options.MaxFaces is { } maxFaces)
                    arguments.AddRange(["--max-faces", maxFaces.ToString(CultureInfo.InvariantCulture)]);
                if (options.Mesh is { } mesh)
                    arguments.AddRange(["--mesh", mesh ? "on" : "off"]);
            }
            if (options.Models is { } models)
                arguments.AddRange(["--models", models]);
            arguments.AddRange(options.ExtraArguments ?? []);

            if (decodeErrors.All(e => e is not null) && files.Count > 0)
                throw new InvalidOperationException($"none of the {files.Count} images could be decoded, e.g. {decodeErrors[0]}");
            var documents = await NodeReference.RunTogetherAsync(options.Node ?? NodeReference.DefaultNode(), dir,
                shares.Select(share => (IReadOnlyList<string>)[Path.Combine(dir, "faces.js"), .. share.Inputs, .. arguments]).ToList(), options.Log, cancellationToken: cancellationToken);
            if (options.JsonOut is { } jsonOut)
                await File.WriteAllTextAsync(jsonOut, string.Concat(documents), cancellationToken); // one document a line, one per worker
            var run = Combine(documents.Select(d => Parse(library, d)).ToList(), shares.Select(share => share.Indices).ToList());
            if (decodeErrors.All(e => e is null))
                return run;
            // Images Sightline could not decode were left out of the Node run: put them back in their places.
            var merged = new List<Image>(files.Count);
            var next = 0;
            for (var i = 0; i < files.Count; i++)
                merged.Add(decodeErrors[i] is { } error ? new Image(files[i], 0, 0, double.NaN, double.NaN, [], double.NaN, [], error, null) : run.Images[next++]);
            return run with { Images = merged };
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // a temporary folder left behind is harmless
            }
        }
    }

    /// <summary>
    /// The workers' runs as one: images back in list order (<paramref name="indices"/>: per worker, the places of its
    /// images), each marked with its worker; the stretch they were timed over together lasts as long as the slowest.
    /// </summary>
    internal static Run Combine(IReadOnlyList<Run> runs, IReadOnlyList<IReadOnlyList<int>> indices)
    {
        if (runs.Count == 1)
            return runs[0];
        var images = new Image[indices.Sum(i => i.Count)];
        for (var w = 0; w < runs.Count; w++)
        {
            if (runs[w].Images.Count != indices[w].Count)
                throw new InvalidDataException($"worker {w + 1} of {runs.Count} answered {runs[w].Images.Count} images for {indices[w].Count}");
            for (var j = 0; j < indices[w].Count; j++)
                images[indices[w][j]] = runs[w].Images[j] with { Worker = w };
        }
        return runs[0] with
        {
            LoadMs = runs.Max(r => r.LoadMs),
            Images = images,
            LeakedTensors = runs.Sum(r => r.LeakedTensors),
            WallMs = runs.Max(r => r.WallMs),
            CpuMs = runs.Sum(r => r.CpuMs),
            Workers = runs.Count,
        };
    }

    /// <summary>Parses the JSON document faces.js prints (either library's).</summary>
    internal static Run Parse(Library library, string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var versions = root.GetProperty("versions");
        var images = new List<Image>();
        foreach (var image in root.GetProperty("images").EnumerateArray())
        {
            var file = image.GetProperty("file").GetString() ?? "";
            if (image.TryGetProperty("error", out var error))
            {
                images.Add(new Image(file, 0, 0, double.NaN, double.NaN, [], double.NaN, [], error.GetString(), null));
                continue;
            }
            var faces = image.GetProperty("faces").EnumerateArray().Select(f => library == Library.FaceApi ? ParseFaceApiFace(f) : ParseHumanFace(f)).ToList();
            images.Add(new Image(
                file,
                image.GetProperty("width").GetInt32(),
                image.GetProperty("height").GetInt32(),
                image.GetProperty("ms").GetDouble(),
                image.GetProperty("decodeMs").GetDouble(),
                image.GetProperty("times").EnumerateArray().Select(t => t.GetDouble()).ToArray(),
                image.TryGetProperty("cpuMs", out var cpuMs) ? cpuMs.GetDouble() : double.NaN,
                faces,
                null,
                image.TryGetProperty("warning", out var warning) ? warning.GetString() : null));
        }
        return new Run(
            library,
            versions.GetProperty(library == Library.FaceApi ? "faceApi" : "human").GetString() ?? "?",
            versions.GetProperty("tfjs").GetString() ?? "?",
            root.GetProperty("backend").GetString() ?? "?",
            root.GetProperty("simd").GetBoolean(),
            root.GetProperty("multithread").GetBoolean(),
            root.GetProperty("loadMs").GetDouble(),
            root.GetProperty("warmup").GetInt32(),
            root.GetProperty("repeat").GetInt32(),
            images,
            root.GetProperty("leakedTensors").GetInt32(),
            root.TryGetProperty("wallMs", out var wallMs) ? wallMs.GetDouble() : double.NaN,
            root.TryGetProperty("cpuMs", out var runCpuMs) ? runCpuMs.GetDouble() : double.NaN);
    }

    // face-api: box {x, y, width, height} in pixels (floats), expressions {label: probability}, 68 landmarks [x, y].
    private static Face ParseFaceApiFace(JsonElement f)
    {
        var emotions = f.GetProperty("expressions").EnumerateObject()
            .Select(p => new EmotionScore(CanonicalEmotion(p.Name), p.Value.GetDouble()))
            .OrderByDescending(e => e.Score).ToList();
        var landmarks = f.GetProperty("landmarks").EnumerateArray()
            .Select(p => new Point(p[0].GetDouble(), p[1].GetDouble())).ToList();
        return ParseFace(f, emotions, f.GetProperty("age").GetDouble(), f.GetProperty("gender").GetString(), f.GetProperty("genderProbability").GetDouble(), landmarks);
    }

    // human: box in whole pixels as human truncates it, emotion [{emotion, score}] sorted, scores truncated to two
    // decimals; gender "unknown" with score 0 when faceres is unsure (|p - 0.5| under 0.05).
    private static Face ParseHumanFace(JsonElement f)
    {
        var emotions = f.GetProperty("emotion").EnumerateArray()
            .Select(e => new EmotionScore(CanonicalEmotion(e.GetProperty("emotion").GetString() ?? "?"), e.GetProperty("score").GetDouble()))
            .OrderByDescending(e => e.Score).ToList();
        IReadOnlyList<Point> mesh = f.TryGetProperty("mesh", out var points)
            ? points.EnumerateArray().Select(p => new Point(p[0].GetDouble(), p[1].GetDouble())).ToList()
            : [];
        return ParseFace(
            f,
            emotions,
            f.TryGetProperty("age", out var age) && age.ValueKind == JsonValueKind.Number ? age.GetDouble() : null,
            f.TryGetProperty("gender", out var gender) ? gender.GetString() : null,
            f.TryGetProperty("genderScore", out var genderScore) && genderScore.ValueKind == JsonValueKind.Number ? genderScore.GetDouble() : null,
            mesh);
    }

    // What both libraries write alike: box, score, descriptor; the emotion is the first of <emotions> (best first).
    private static Face ParseFace(JsonElement f, IReadOnlyList<EmotionScore> emotions, double? age, string? gender, double? genderScore, IReadOnlyList<Point> points) =>
        new(ParseBox(f.GetProperty("box")), f.GetProperty("score").GetDouble(), ParseFloats(f.GetProperty("descriptor")),
            emotions.Count > 0 ? emotions[0].Label : null, emotions, age, gender, genderScore, points);

    /// <summary>face-api's name for an expression; human's "disgust", "fear", "surprise" become "disgusted", "fearful", "surprised".</summary>
    internal static string CanonicalEmotion(string label) => label switch
    {
        "disgust" => "disgusted",
        "fear" => "fearful",
        "surprise" => "surprised",
        _ => label,
    };

    private static Box ParseBox(JsonElement b) =>
        new(b.GetProperty("x").GetDouble(), b.GetProperty("y").GetDouble(), b.GetProperty("width").GetDouble(), b.GetProperty("height").GetDouble());

    private static float[] ParseFloats(JsonElement array)
    {
        var values = new float[array.GetArrayLength()];
        var i = 0;
        foreach (var v in array.EnumerateArray())
            values[i++] = v.GetSingle();
        return values;
    }

    private static string Name(Library library) => library == Library.FaceApi ? "face-api" : "human";

    private static string DefaultDirectory(Library library) => NodeReference.ToolDirectory(library == Library.FaceApi ? "reference" : "human-reference");

    /// <summary>
    /// How to run a face reference. Null settings leave the script's defaults (face-api: SSD, 0.5; human: 20 faces, 0.2,
    /// mesh on). <paramref name="DecodeInNode"/>: hand the files to the script as they are (it decodes PNG itself, JPEG
    /// only with jpeg-js installed) instead of Sightline's decoded pixels. <paramref name="Log"/> gets the script's
    /// stderr lines (progress, the library's own log). <paramref name="Workers"/>: Node processes at once, each on every
    /// n-th image, released together after their warm-up (one per core for an all-cores comparison).
    /// </summary>
    internal sealed record Options(
        int Warmup = 1,
        int Repeat = 3,
        string Backend = "wasm",
        string? Detector = null,
        float? MinConfidence = null,
        int? MaxFaces = null,
        bool? Mesh = null,
        string? Models = null,
        bool DecodeInNode = false,
        string? Node = null,
        string? ReferenceDir = null,
        string? JsonOut = null,
        IReadOnlyList<string>? ExtraArguments = null,
        Action<string>? Log = null,
        int Workers = 1);

    internal sealed record Run(
        Library Library,
        string LibraryVersion,
        string Tfjs,
        string Backend,
        bool Simd,
        bool Multithread,
        double LoadMs,
        int Warmup,
        int Repeat,
        IReadOnlyList<Image> Images,
        int LeakedTensors,
        double WallMs,
        double CpuMs,
        int Workers = 1)
    {
        /// <summary>
        /// How long the whole set took: the slowest worker's sum of per-image medians (one worker: the sum of all), the
        /// workers having started together.
        /// </summary>
        public double SetMs(int count) => Images.Take(count).GroupBy(i => i.Worker).Max(g => g.Sum(i => i.Ms));
    }

    /// <summary>
    /// One image: <paramref name="Ms"/> is the median wall time of the library call over the repeats (<paramref name="Times"/>
    /// all of them), <paramref name="CpuMs"/> the median CPU time of the Node process over the same calls (one thread: close
    /// to the wall time on an idle machine, steadier on a busy one), <paramref name="DecodeMs"/> reading and decoding apart.
    /// </summary>
    internal sealed record Image(
        string File,
        int Width,
        int Height,
        double Ms,
        double DecodeMs,
        double[] Times,
        double CpuMs,
        IReadOnlyList<Face> Faces,
        string? Error,
        string? Warning,
        int Worker = 0);

    /// <summary>
    /// One face. <paramref name="Descriptor"/>: face-api 128 floats (same person: Euclidean distance under 0.6), human
    /// 1024 floats (faceres). <paramref name="Emotions"/> best first, labels as face-api names them. <paramref name="Points"/>:
    /// face-api's 68 landmarks; human's mesh only when asked for (ExtraArguments ["--with-mesh"]).
    /// </summary>
    internal sealed record Face(
        Box Box,
        double Score,
        float[] Descriptor,
        string? Emotion,
        IReadOnlyList<EmotionScore> Emotions,
        double? Age,
        string? Gender,
        double? GenderScore,
        IReadOnlyList<Point> Points);

    internal sealed record Box(double X, double Y, double Width, double Height);

    internal sealed record EmotionScore(string Label, double Score);

    internal sealed record Point(double X, double Y);
}
