using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Vision.Pipeline;
using Sightline.Imaging;
using Sightline.Vision.Detection;
using Sightline.Imaging.Tensors;
using Sightline.Models.Catalog;
using SkiaSharp;

namespace Sightline.Faces.Detection;

/// <summary>
/// MediaPipe BlazeFace, back-camera variant (human's <c>blazeface</c>): 256x256 input in -1..1, 896 anchors
/// (16x16 cells x 2 at stride 16, then 8x8 cells x 6 at stride 32), each with a score logit, a box and six
/// keypoints. Runs over the regions of a <see cref="FaceScan"/> in one batch, then merges them.
/// </summary>
public sealed class BlazeFaceDetector : IFaceDetector
{
    public const string Id = "human-blazeface";
    private const int InputSize = 256;

    /// <summary>-1..1 NHWC RGB, as the catalog's input spec says.</summary>
    private static readonly TensorFormat Format = (TfjsModels.InputOf(Id) ?? throw new InvalidOperationException($"the catalog has no input spec for {Id}")).Format;

    /// <summary>Smallest face, in input pixels, found reliably (measured on faces pasted at known sizes).</summary>
    private const float SmallestFace = 20;

    private readonly ModelSession _session;
    private readonly BatchedSession? _shared;

    /// <param name="context">When given, the tiles of every image in flight share the context's runs of the model.</param>
    public BlazeFaceDetector(CachedModel model, InferenceEngine engine, TaskContext? context = null)
    {
        _session = engine.Open(model.ModelPath);
        _shared = context is null ? null : BatchedSession.For(context, _session, model.Entry.Id, MaxBatch);
        ModelId = model.Entry.Id;
    }

    public string ModelId { get; }

    internal static float[] Anchors { get; } = BuildAnchors();

    public IReadOnlyList<FaceCandidate> Detect(SKBitmap image, FaceDetectOptions options)
    {
        // Stage 1 scans the whole image and, for small faces, tiles, at a lower bar; stage 2 looks again at
        // each candidate centred at a size the model sees best and keeps what it confirms there. Tile
        // edges cut faces into parts that look face-like at one scale but not at the canonical one.
        var regions = FaceScan.Plan(image.Width, image.Height, InputSize, options.MinFaceSize, SmallestFace);
        var scanned = Merge(Run(image, regions, Math.Min(options.MinScore, ScanScore)), options with { MaxFaces = MaxCandidates });
        var views = scanned.Select(c =>
        {
            var side = Math.Max(c.Box.Width, c.Box.Height) * RefineContext;
            return SKRect.Create(c.Box.X + c.Box.Width / 2 - side / 2, c.Box.Y + c.Box.Height / 2 - side / 2, side, side);
        }).ToList();
        var confirmed = new List<FaceCandidate>();
        var refined = RunPerRegion(image, views, ScanScore);
        for (var i = 0; i < scanned.Count; i++)
        {
            // The view is centred on the candidate, so the confirming face is the one nearest the centre.
            var best = refined[i].Where(r => BoundingBox.IoU(r.Box, scanned[i].Box) > 0.3f).OrderByDescending(r => r.Score).FirstOrDefault();
            if (best.Keypoints is null)
                continue;
            // The canonical view counts most; the scan's score keeps a say, so a pattern that only the
            // close view likes (a mug's print, a wheel) stays under the bar. Measured: real faces, including
            // one cut by the frame edge, score 0.79 or more; the worst non-face of the test photos 0.67.
            var score = (scanned[i].Score + 3 * best.Score) / 4;
            if (score >= options.MinScore)
                confirmed.Add(best with { Score = score });
        }
        return Merge(confirmed, options);
    }

    /// <summary>Stage-1 score bar: candidates below the final one still get their second look.</summary>
    private const float ScanScore = 0.4f;

    /// <summary>
    /// Side of the confirming view in face-box widths: the face then spans about 64 of 256 pixels, where
    /// the model scores real faces highest (measured: 1.5 and 2.5 box widths score them lower).
    /// </summary>
    private const float RefineContext = 4f;

    private List<FaceCandidate> Run(SKBitmap image, IReadOnlyList<SKRect> regions, float minScore) =>
        RunPerRegion(image, regions, minScore).SelectMany(r => r).ToList();

    private List<List<FaceCandidate>> RunPerRegion(SKBitmap image, IReadOnlyList<SKRect> regions, float minScore)
    {
        var plane = InputSize * InputSize * 3;
        var found = new List<List<FaceCandidate>>(regions.Count);
        var batch = _session.SupportsBatch ? Math.Min(MaxBatch, Math.Max(1, regions.Count)) : 1;
        var input = new float[batch * plane];
        for (var offset = 0; offset < regions.Count; offset += batch)
        {
            var count = Math.Min(batch, regions.Count - offset);
            for (var i = 0; i < count; i++)
            {
                using var tile = ImageResize.RenderRegion(image, regions[offset + i], InputSize, InputSize, SKColors.Black);
                TensorWriter.Write(tile.GetPixelSpan(), InputSize, InputSize, input.AsSpan(i * plane, plane), Format);
            }
            var outputs = _shared is null ? _session.Run(input.AsMemory(0, count * plane), count) : _shared.Run(input.AsMemory(0, count * plane), count);
            for (var b = 0; b < count; b++)
                found.Add(Decode(outputs, b, regions[offset + b], minScore));
        }
        return found;
    }

    private const int MaxBatch = 16;

    /// <summary>Bound on second looks, so a pathological image cannot cost thousands of inferences.</summary>
    private const int MaxCandidates = 400;

    /// <summary>Candidates of one region, mapped into image pixels.</summary>
    internal static List<FaceCandidate> Decode(IReadOnlyList<OutputTensor> outputs, int item, SKRect region, float minScore)
    {
        // Outputs come as score and regressor tensors for the 512 fine and 384 coarse anchors.
        OutputTensor Find(int anchors, int values) => outputs.First(o => o.Shape.Length == 3 && o.Shape[1] == anchors && o.Shape[2] == values);
        var scale = region.Width / InputSize;
        var parts = new[] { (Find(512, 1), Find(512, 16), 0), (Find(384, 1), Find(384, 16), 512) };
        var minLogit = MathF.Log(minScore / (1 - minScore));
        var found = new List<FaceCandidate>();
        foreach (var (scores, boxes, first) in parts)
        {
            var s = scores.Item(item);
            var r = boxes.Item(item);
            for (var a = 0; a < s.Length; a++)
            {
                if (s[a] < minLogit)
                    continue;
                var ax = Anchors[2 * (first + a)];
                var ay = Anchors[2 * (first + a) + 1];
                var v = r.Slice(16 * a, 16);
                var cx = ax + v[0];
                var cy = ay + v[1];
                var box = new BoundingBox(region.Left + (cx - v[2] / 2) * scale, region.Top + (cy - v[3] / 2) * scale, v[2] * scale, v[3] * scale);
                var keypoints = new FacePoint[6];
                for (var k = 0; k < 6; k++)
                    keypoints[k] = new FacePoint(region.Left + (ax + v[4 + 2 * k]) * scale, region.Top + (ay + v[5 + 2 * k]) * scale);
                found.Add(new FaceCandidate(box, 1 / (1 + MathF.Exp(-s[a])), keypoints));
            }
        }
        return found;
    }

    /// <summary>
    /// One face per cluster of overlapping candidates (from neighbouring anchors and overlapping tiles):
    /// greedy suppression, keeping the best box of each cluster, clipped to the image.
    /// </summary>
    internal static IReadOnlyList<FaceCandidate> Merge(List<FaceCandidate> candidates, FaceDetectOptions options) =>
        NonMaxSuppression.Greedy(candidates, c => c.Score, c => c.Box, NonMaxSuppression.IoUOrContainmentAbove(options.IouThreshold, MaxContainment), options.MaxFaces);

    /// <summary>Share of the smaller box inside a kept one beyond which both are one face.</summary>
    private const float MaxContainment = 0.6f;

    private static float[] BuildAnchors()
    {
        var anchors = new List<float>(896 * 2);
        foreach (var (stride, perCell) in new[] { (16, 2), (32, 6) })
        {
            var cells = InputSize / stride;
            for (var y = 0; y < cells; y++)
                for (var x = 0; x < cells; x++)
                    for (var n = 0; n < perCell; n++)
                    {
                        anchors.Add(stride * (x + 0.5f));
                        anchors.Add(stride * (y + 0.5f));
                    }
        }
        return anchors.ToArray();
    }
}
