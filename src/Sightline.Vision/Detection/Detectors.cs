using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Models;
using Sightline.Models.Cache;
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

    public static IObjectDetector Create(CachedModel model, InferenceEngine engine, int batchSize = 8, ImageLimits? limits = null)
    {
        var classes = model.Entry.Labels?.Count ?? throw new ArgumentException($"model '{model.Entry.Id}' has no labels");
        return model.Entry.Id switch
        {
            // 416x416, values 0-1, channels first. Letterboxing measured better than stretching on coco128
            // (AP 20.7 against 16.0), as NanoDet trains with the aspect kept.
            NanoDet => new ObjectDetector(model, engine, new NanoDetHead(416, 416, classes), new DetectorInput(416, 416, true, 1f / 255, 0, KeepAspect: true), batchSize, limits),
            // 512x512, raw 0-255 values, channels last; the top-100 head is in the graph. Letterboxed
            // (AP 32.7, AP50 53.3 on coco128) rather than stretched (32.5, 50.2).
            CenterNet => new ObjectDetector(model, engine, new CenterNetHead(classes), new DetectorInput(512, 512, false, 1f, 0, KeepAspect: true), batchSize, limits),
            _ => throw new ArgumentException($"model '{model.Entry.Id}' is not an object detector Sightline can decode (known: nanodet, centernet)"),
        };
    }
}
