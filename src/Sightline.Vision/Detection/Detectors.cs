using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Models;
using Sightline.Models.Cache;
using Sightline.Models.Catalog;
using Sightline.Models.Import;
using Sightline.Vision.Detection.Heads;

namespace Sightline.Vision.Detection;

/// <summary>The detector families Sightline knows, by catalog model id.</summary>
public static class Detectors
{
    public const string NanoDet = "human-nanodet";
    public const string CenterNet = "human-centernet";
    public const string DefaultModel = CenterNet;

    /// <summary>Short names accepted on the command line and in the API.</summary>
    public static string ResolveId(string name) => name.ToLowerInvariant() switch
    {
        "nanodet" => NanoDet,
        "centernet" => CenterNet,
        _ => name,
    };

    /// <summary>
    /// The catalog id of the detector a short name or an id names; a name that names no detector is an
    /// unknown model (<see cref="ModelStoreException"/>) whose message lists the detectors, not the whole catalog.
    /// </summary>
    public static string Resolve(string name)
    {
        var id = ResolveId(name);
        foreach (var known in (string[])[CenterNet, NanoDet])
            if (string.Equals(id, known, StringComparison.OrdinalIgnoreCase))
                return known;
        throw new ModelStoreException(ModelStoreErrorKind.UnknownModel,
            $"'{name}' is not an object detector; detectors: centernet ({CenterNet}, the default), nanodet ({NanoDet})");
    }

    // The catalog holds each detector's input (size, layout, values, letterbox or stretch), so what
    // 'models info' says is what runs. NanoDet: 416x416, 0-1, channels first; letterboxing measured
    // better than stretching on coco128 (AP 20.7 against 16.0), as NanoDet trains with the aspect kept.
    // CenterNet: 512x512, raw 0-255, channels last, the top-100 head in the graph; letterboxed
    // (AP 32.7, AP50 53.3 on coco128) rather than stretched (32.5, 50.2).
    public static IObjectDetector Create(CachedModel model, InferenceEngine engine, int batchSize = 8, ImageLimits? limits = null)
    {
        var classes = model.Entry.Labels?.Count ?? throw new ArgumentException($"model '{model.Entry.Id}' has no labels");
        var input = InputOf(model.Entry.Id);
        return model.Entry.Id switch
        {
            NanoDet => new ObjectDetector(model, engine, new NanoDetHead(input.Width, input.Height, classes), input, batchSize, limits),
            CenterNet => new ObjectDetector(model, engine, new CenterNetHead(classes), input, batchSize, limits),
            _ => throw new ArgumentException($"model '{model.Entry.Id}' is not an object detector Sightline can decode (known: nanodet, centernet)"),
        };
    }

    /// <summary>How a known detector's input is made, read from its catalog entry.</summary>
    public static DetectorInput InputOf(string id)
    {
        var spec = TfjsModels.InputOf(id)
            ?? throw new ArgumentException($"model '{id}' is not an object detector Sightline can decode (known: nanodet, centernet)");
        if (spec.Channels != 3 || spec.Fit == InputFit.SquareRegions)
            throw new ArgumentException($"model '{id}' does not take a whole RGB image");
        return new DetectorInput(spec.Width, spec.Height, spec.ChannelsFirst, spec.Scale, spec.Offset, KeepAspect: spec.Fit == InputFit.Letterbox);
    }
}
