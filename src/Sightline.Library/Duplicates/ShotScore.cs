using System.Globalization;
using System.Text.Json;

namespace Sightline.Library.Duplicates;

/// <summary>
/// A face of a shot as scoring sees it: box size in pixels, the faces analysis' quality (0-1) and sharpness (0-1),
/// its strongest expression, and its 68 landmarks (iBUG order, pixels) when the analysis gave them.
/// </summary>
public sealed record ShotFace(float Width, float Height, float? Quality = null, float? Sharpness = null, string? Expression = null,
    IReadOnlyList<(float X, float Y)>? Landmarks68 = null);

/// <summary>A shot as scoring sees it: its pixel size, its file size and its faces.</summary>
public sealed record ShotFacts(int? Width, int? Height, long Bytes, IReadOnlyList<ShotFace> Faces);

/// <summary>How good a shot is among the others of its group, 0-1, and what counted.</summary>
public sealed record ShotRating(double Score, IReadOnlyList<string> Reasons);

/// <summary>
/// Rates the shots of one group (a pure function: no model, no file). Each part is 0-1 and weighted by
/// <see cref="DuplicateOptions"/>; a part a shot has no data for (no faces, no landmarks) is left out and the others
/// carry its weight, so a group without faces is ranked by sharpness and resolution alone.
/// </summary>
public static class ShotScore
{
    // iBUG 68-point eyes: outer corner, two upper lid points, inner corner, two lower lid points.
    private static readonly int[] RightEye = [36, 37, 38, 39, 40, 41];
    private static readonly int[] LeftEye = [42, 43, 44, 45, 46, 47];

    public static IReadOnlyList<ShotRating> Rate(IReadOnlyList<ShotFacts> group, DuplicateOptions? options = null)
    {
        options ??= DuplicateOptions.Default;
        var maxPixels = group.Max(s => Pixels(s) ?? 0);
        var maxBytesPerPixel = group.Max(s => BytesPerPixel(s) ?? 0);
        return group.Select(s => Rate(s, maxPixels, maxBytesPerPixel, options)).ToList();
    }

    private static ShotRating Rate(ShotFacts shot, double maxPixels, double maxBytesPerPixel, DuplicateOptions options)
    {
        var parts = new List<(double Value, double Weight)>();
        var reasons = new List<string>();
        var faces = shot.Faces;

        var qualities = faces.Where(f => f.Quality is not null).Select(f => (double)f.Quality!.Value).ToList();
        if (qualities.Count > 0)
        {
            var quality = qualities.Average();
            parts.Add((quality, options.FaceQualityWeight));
            reasons.Add($"face quality {F(quality)}");
        }

        var eyes = faces.Select(f => EyeAspect(f.Landmarks68)).Where(e => e is not null).Select(e => e!.Value).ToList();
        if (eyes.Count > 0)
        {
            var open = eyes.Select(e => Math.Clamp((e - options.EyesClosedAspect) / (options.EyesOpenAspect - options.EyesClosedAspect), 0, 1)).ToList();
            parts.Add((open.Average(), options.EyesWeight));
            var closed = eyes.Count(e => e <= options.EyesClosedAspect);
            reasons.Add(closed == 0
                ? $"eyes open ({Count(eyes.Count, "face")}, eye aspect {F(eyes.Min())} or more)"
                : $"eyes closed on {closed} of {Count(eyes.Count, "face")}");
        }

        var expressions = faces.Where(f => f.Expression is not null).Select(f => f.Expression!.ToLowerInvariant()).ToList();
        if (expressions.Count > 0)
        {
            parts.Add((expressions.Average(e => options.ExpressionValues.GetValueOrDefault(e, options.OtherExpressionValue)), options.ExpressionWeight));
            reasons.Add("expression " + string.Join(", ", expressions.GroupBy(e => e).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => g.Count() == 1 ? g.Key : $"{g.Count()} {g.Key}")));
        }

        if (faces.Count > 0)
        {
            var side = faces.Average(f => Math.Min(f.Width, f.Height));
            parts.Add((Math.Min(1, side / options.FullFacePixels), options.FaceSizeWeight));
            reasons.Add($"faces {side:0} px across");
        }

        var sharpness = faces.Where(f => f.Sharpness is not null).Select(f => (double)f.Sharpness!.Value).ToList();
        if (sharpness.Count > 0)
        {
            parts.Add((sharpness.Average(), options.SharpnessWeight));
            reasons.Add($"face sharpness {F(sharpness.Average())}");
        }
        else if (BytesPerPixel(shot) is { } bpp && maxBytesPerPixel > 0)
        {
            // Of one scene, the sharper frame compresses worse: bytes per pixel against the group's best stand for sharpness.
            parts.Add((bpp / maxBytesPerPixel, options.SharpnessWeight));
            reasons.Add(bpp >= maxBytesPerPixel ? $"most detail of the group ({bpp:0.00} bytes/pixel)" : $"{bpp:0.00} bytes/pixel ({bpp / maxBytesPerPixel * 100:0}% of the most detailed)");
        }

        if (Pixels(shot) is { } pixels && maxPixels > 0)
        {
            parts.Add((pixels / maxPixels, options.ResolutionWeight));
            reasons.Add(pixels >= maxPixels ? $"{shot.Width}x{shot.Height}, the largest of the group" : $"{shot.Width}x{shot.Height} ({pixels / maxPixels * 100:0}% of the largest)");
        }

        var weight = parts.Sum(p => p.Weight);
        var score = weight > 0 ? parts.Sum(p => p.Value * p.Weight) / weight : 0;
        return new ShotRating(Math.Round(score, 3), reasons);
    }

    /// <summary>
    /// The eye aspect ratio of the less open eye (lid gap over eye width: about 0.3 open, under 0.15 closed), from
    /// 68 landmarks; null without them.
    /// </summary>
    public static double? EyeAspect(IReadOnlyList<(float X, float Y)>? landmarks)
    {
        if (landmarks is not { Count: >= 68 })
            return null;
        double Eye(int[] e)
        {
            double D(int a, int b) => Math.Sqrt(Math.Pow(landmarks[a].X - landmarks[b].X, 2) + Math.Pow(landmarks[a].Y - landmarks[b].Y, 2));
            var width = D(e[0], e[3]);
            return width <= 0 ? 0 : (D(e[1], e[5]) + D(e[2], e[4])) / (2 * width);
        }
        return Math.Round(Math.Min(Eye(RightEye), Eye(LeftEye)), 3);
    }

    /// <summary>
    /// The 68 landmarks, quality and sharpness of each detected face from the faces analysis' stored JSON (faces in
    /// the order of their index), or nothing when the JSON holds none.
    /// </summary>
    internal static IReadOnlyList<(IReadOnlyList<(float X, float Y)>? Landmarks68, float? Quality, float? Sharpness)> FromFacesJson(string? json)
    {
        var faces = new List<(IReadOnlyList<(float X, float Y)>?, float?, float?)>();
        if (string.IsNullOrEmpty(json))
            return faces;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!TryGet(document.RootElement, "faces", out var list) || list.ValueKind != JsonValueKind.Array)
                return faces;
            foreach (var face in list.EnumerateArray())
            {
                List<(float, float)>? points = null;
                if (TryGet(face, "landmarks68", out var marks) && marks.ValueKind == JsonValueKind.Array)
                    points = marks.EnumerateArray().Select(p => (Number(p, "x") ?? 0, Number(p, "y") ?? 0)).ToList();
                float? quality = null, sharpness = null;
                if (TryGet(face, "quality", out var q) && q.ValueKind == JsonValueKind.Object)
                {
                    quality = Number(q, "score");
                    sharpness = Number(q, "sharpness");
                }
                faces.Add((points, quality, sharpness));
            }
        }
        catch (JsonException)
        {
            // A damaged analysis only loses its landmarks: the shot is still rated on the rest.
        }
        return faces;
    }

    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object)
            return false;
        foreach (var property in element.EnumerateObject())
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        return false;
    }

    private static float? Number(JsonElement element, string name) =>
        TryGet(element, name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetSingle() : null;

    private static double? Pixels(ShotFacts shot) => shot.Width is > 0 && shot.Height is > 0 ? (double)shot.Width.Value * shot.Height.Value : null;

    private static double? BytesPerPixel(ShotFacts shot) => Pixels(shot) is { } p && shot.Bytes > 0 ? shot.Bytes / p : null;

    private static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";
}
