using System.Buffers;
using System.Diagnostics;
using System.Text;
using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Inference.Timing;
using Sightline.Models.Cache;
using Sightline.Vision.Preprocessing;
using SkiaSharp;

namespace Sightline.Vision.Text;

/// <summary>
/// PP-OCR's three models in one reader (catalog entry <c>ocr-models</c>): the DB detector finds text regions,
/// each is cropped upright by perspective, the direction classifier turns upside-down lines, and the CTC
/// recogniser reads the crops in batches of similar widths. Thread-safe: sessions are shared, no per-call state.
/// </summary>
public sealed class OcrReader
{
    public const string ModelId = "ocr-models";
    public const string DetectorFile = "ch_PP-OCRv4_det_infer.onnx";
    public const string RecognizerFile = "ch_PP-OCRv4_rec_infer.onnx";
    public const string DirectionFile = "ch_ppocr_mobile_v2.0_cls_infer.onnx";
    public const string CharactersFile = "ppocr_keys_v1.txt";

    /// <summary>The recogniser's input height and its least batch width (PP-OCRv4's 3x48x320).</summary>
    public const int LineHeight = 48;
    public const int MinLineWidth = 320;
    private const int MaxLineWidth = 3200;
    private const int DirectionWidth = 192;
    private const int RecognitionBatch = 6;

    // ImageNet's mean and deviation, applied to B, G, R planes in that order as PaddleOCR's OpenCV-read training images were.
    private static readonly float[] DetectorMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] DetectorStd = [0.229f, 0.224f, 0.225f];
    private static readonly int[] Bgr = [2, 1, 0];
    private static readonly float[] DetectorScale = DetectorStd.Select(sd => 1 / (255 * sd)).ToArray();
    private static readonly float[] DetectorBias = DetectorMean.Select((m, c) => -m / DetectorStd[c]).ToArray();

    private readonly ModelSession _detector;
    private readonly ModelSession _recognizer;
    private readonly ModelSession _direction;

    public OcrReader(CachedModel model, InferenceEngine engine)
    {
        _detector = engine.Open(model.PathOf(DetectorFile));
        _recognizer = engine.Open(model.PathOf(RecognizerFile));
        _direction = engine.Open(model.PathOf(DirectionFile));
        Characters = CharacterSet.Load(model.PathOf(CharactersFile));
        ModelVersion = model.Version;
    }

    public CharacterSet Characters { get; }
    public string ModelVersion { get; }

    /// <summary>The decode the reader needs: recognition reads crops at the image's own resolution, up to 3200 pixels a side (small print on a 12-megapixel page stays legible).</summary>
    public static DecodeSize DecodeSize { get; } = DecodeSize.Within(3200, 3200);

    public OcrResult Read(DecodedImage image, OcrOptions options)
    {
        options.Validate();
        // Text on a transparent page is read as it is seen, over white.
        using var flattened = Transparency.OverBackground(image.Bitmap, SKColors.White);
        var bitmap = flattened ?? image.Bitmap;
        var timings = default(StageTimings);
        List<Quadrilateral> regions;
        if (options.Layout == TextLayout.Line)
        {
            regions = [LineRegion(bitmap.Width, bitmap.Height, options.LineMargin)];
        }
        else
        {
            var (found, detectTimings) = Detect(bitmap, options);
            timings += detectTimings;
            regions = found;
        }

        // A region standing on its end (1.5 times taller than wide) is a line running down the page: read it turned.
        regions = regions.Select(q => q.Height >= 1.5f * q.Width ? q.TurnedQuarter() : q).ToList();
        if (options.TurnUpsideDown && options.Layout == TextLayout.Page && regions.Count > 0)
        {
            var (upside, directionTimings) = UpsideDown(bitmap, regions, options.TurnThreshold);
            timings += directionTimings;
            for (var i = 0; i < regions.Count; i++)
                if (upside[i])
                    regions[i] = regions[i].TurnedHalf();
        }
        var (texts, recognizeTimings) = Recognize(bitmap, regions);
        timings += recognizeTimings;

        var post = Stopwatch.GetTimestamp();
        // Lines come back in the original image's pixels (the decode may have been scaled).
        var sx = (float)image.OriginalWidth / bitmap.Width;
        var sy = (float)image.OriginalHeight / bitmap.Height;
        var kept = Enumerable.Range(0, regions.Count)
            .Where(i => texts[i].Text.Length > 0 && texts[i].Confidence >= options.MinConfidence).ToList();
        var quads = kept.Select(i => (options.Layout == TextLayout.Line ? LineRegion(bitmap.Width, bitmap.Height, 0) : regions[i]).Scaled(sx, sy)).ToList();
        var rotation = ReadingOrder.PageRotation(quads);
        var order = ReadingOrder.Arrange(quads, rotation);
        var lines = new List<TextLine>(order.Count);
        var text = new StringBuilder();
        var (lastBlock, lastRow) = (-1, -1);
        foreach (var (index, block, row) in order)
        {
            var t = texts[kept[index]];
            if (lastRow >= 0)
                text.Append(block != lastBlock ? "\n\n" : row != lastRow ? "\n" : " ");
            text.Append(t.Text);
            (lastBlock, lastRow) = (block, row);
            var corners = quads[index];
            lines.Add(new TextLine(t.Text, t.Confidence, corners, corners.Bounds().Clip(image.OriginalWidth, image.OriginalHeight), block,
                t.Characters.Select(c => c.Confidence).ToArray()));
        }
        timings += new StageTimings(0, 0, StageTimings.Since(post));
        return new OcrResult(text.ToString(), lines, rotation, ModelId, ModelVersion, timings);
    }

    /// <summary>
    /// A whole image read as one line: the image with a margin of <paramref name="margin"/> times its height left and
    /// right and half that above and below, the edge pixels drawn out into it. Cut lines often have letters touching
    /// the edge, which the recogniser, trained on detector crops with a border around the text, misreads ("time" as "lime").
    /// </summary>
    public static Quadrilateral LineRegion(int width, int height, double margin)
    {
        var dx = (float)(margin * height);
        var dy = dx / 2;
        return new Quadrilateral(new(0 - dx, 0 - dy), new(width + dx, 0 - dy), new(width + dx, height + dy), new(0 - dx, height + dy));
    }

    /// <summary>The detector's input size for an image: the longest side at most <paramref name="side"/>, both multiples of 32.</summary>
    public static (int Width, int Height) DetectorInput(int width, int height, int side)
    {
        var scale = Math.Min(1.0, (double)side / Math.Max(width, height));
        static int Round32(double v) => Math.Max(32, (int)Math.Round(v / 32) * 32);
        return (Round32(width * scale), Round32(height * scale));
    }

    private (List<Quadrilateral>, StageTimings) Detect(SKBitmap bitmap, OcrOptions options)
    {
        var start = Stopwatch.GetTimestamp();
        var (w, h) = DetectorInput(bitmap.Width, bitmap.Height, options.DetectorSide);
        using var resized = ImageResize.Resize(bitmap, w, h);
        var tensor = new float[3 * w * h];
        PixelTensor.WriteChw(resized.GetPixelSpan(), w, h, tensor, ChannelAffine.PerChannel(h, w, DetectorScale, DetectorBias, Bgr));
        var preprocess = StageTimings.Since(start);
        start = Stopwatch.GetTimestamp();
        var output = _detector.Run([new NamedInput(_detector.Inputs[0].Name, tensor, [1, 3, h, w])], 1)[0];
        var inference = StageTimings.Since(start);
        start = Stopwatch.GetTimestamp();
        var mapH = output.Shape[^2];
        var mapW = output.Shape[^1];
        var regions = TextRegionDecoding.Decode(output.Values, mapW, mapH, options.Regions)
            .Select(r => r.Corners.Scaled((float)bitmap.Width / mapW, (float)bitmap.Height / mapH))
            .ToList();
        return (regions, new StageTimings(preprocess, inference, StageTimings.Since(start)));
    }

    // A region's width at the models' line height, its aspect kept, at most the tensor's width.
    private static int CropWidth(Quadrilateral q, int maxWidth) =>
        Math.Clamp((int)Math.Ceiling(LineHeight * q.Width / Math.Max(1f, q.Height)), 1, maxWidth);

    private (bool[], StageTimings) UpsideDown(SKBitmap bitmap, List<Quadrilateral> regions, double threshold)
    {
        var start = Stopwatch.GetTimestamp();
        var item = 3 * LineHeight * DirectionWidth;
        var tensor = new float[item * regions.Count];
        Parallel.For(0, regions.Count, i =>
        {
            PerspectiveCrop.SampleInto(bitmap.GetPixelSpan(), bitmap.Width, bitmap.Height, regions[i], CropWidth(regions[i], DirectionWidth), LineHeight,
                tensor.AsSpan(i * item, item), DirectionWidth);
        });
        var preprocess = StageTimings.Since(start);
        start = Stopwatch.GetTimestamp();
        var upside = new bool[regions.Count];
        for (var offset = 0; offset < regions.Count; offset += RecognitionBatch)
        {
            var count = Math.Min(RecognitionBatch, regions.Count - offset);
            var output = _direction.Run([new NamedInput(_direction.Inputs[0].Name, tensor.AsMemory(offset * item, count * item), [count, 3, LineHeight, DirectionWidth])], count)[0];
            for (var i = 0; i < count; i++)
            {
                var scores = output.Item(i);
                upside[offset + i] = scores[1] > scores[0] && scores[1] >= threshold;
            }
        }
        return (upside, new StageTimings(preprocess, StageTimings.Since(start), 0));
    }

    private (RecognizedText[], StageTimings) Recognize(SKBitmap bitmap, List<Quadrilateral> regions)
    {
        var texts = new RecognizedText[regions.Count];
        double preprocess = 0, inference = 0, post = 0;
        // Similar widths share a batch, so little of each run is padding.
        var order = Enumerable.Range(0, regions.Count).OrderBy(i => regions[i].Width / Math.Max(1f, regions[i].Height)).ToArray();
        for (var offset = 0; offset < order.Length; offset += RecognitionBatch)
        {
            var start = Stopwatch.GetTimestamp();
            var batch = order.Skip(offset).Take(RecognitionBatch).ToArray();
            var ratio = Math.Max((double)MinLineWidth / LineHeight, batch.Max(i => regions[i].Width / Math.Max(1f, regions[i].Height)));
            var batchWidth = Math.Min(MaxLineWidth, (int)Math.Ceiling(LineHeight * ratio / 8) * 8);
            var item = 3 * LineHeight * batchWidth;
            var tensor = new float[item * batch.Length];
            Parallel.For(0, batch.Length, b =>
            {
                var q = regions[batch[b]];
                PerspectiveCrop.SampleInto(bitmap.GetPixelSpan(), bitmap.Width, bitmap.Height, q, CropWidth(q, batchWidth), LineHeight,
                    tensor.AsSpan(b * item, item), batchWidth);
            });
            preprocess += StageTimings.Since(start);
            start = Stopwatch.GetTimestamp();
            var output = _recognizer.Run([new NamedInput(_recognizer.Inputs[0].Name, tensor, [batch.Length, 3, LineHeight, batchWidth])], batch.Length)[0];
            inference += StageTimings.Since(start);
            start = Stopwatch.GetTimestamp();
            var steps = output.Shape[1];
            var classes = output.Shape[2];
            for (var b = 0; b < batch.Length; b++)
                texts[batch[b]] = CtcDecoding.Decode(output.Item(b), steps, classes, Characters);
            post += StageTimings.Since(start);
        }
        return (texts, new StageTimings(preprocess, inference, post));
    }
}
