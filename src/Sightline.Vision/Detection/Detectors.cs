using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Models.Catalog;
using Sightline.Models.Import;
using Sightline.Vision.Detection.Heads;
using Sightline.Vision.Pipeline;

namespace Sightline.Vision.Detection;

/// <summary>The detector families Sightline knows: one entry each (catalog id, names, head); the input comes from the catalog.</summary>
public static class Detectors
{
    public const string NanoDet = "human-nanodet";
    public const string CenterNet = "human-centernet";
    public const string DefaultModel = CenterNet;

    /// <summary>One detection family: its catalog id, the names users type, and the head that decodes its output.</summary>
    private sealed record DetectorFamily(string Family, string ModelId, string[] Aliases, Func<DetectorInput, int, IDetectionHead> Head, bool IsDefault = false);

    // The catalog holds each detector's input (size, layout, values, letterbox or stretch), so what
    // 'models info' says is what runs. NanoDet: 416x416, 0-1, channels first; letterboxing measured
    // better than stretching on coco128 (AP 20.7 against 16.0), as NanoDet trains with the aspect kept.
    // CenterNet: 512x512, raw 0-255, channels last, the top-100 head in the graph; letterboxed
    // (AP 32.7, AP50 53.3 on coco128) rather than stretched (32.5, 50.2).
    private static readonly DetectorFamily[] Families =
    [
        new("centernet", CenterNet, [], (_, classes) => new CenterNetHead(classes), IsDefault: true),
        new("nanodet", NanoDet, [], (input, classes) => new NanoDetHead(input.Width, input.Height, classes)),
    ];

    /// <summary>The object detectors by name: centernet (the default), nanodet.</summary>
    public static FamilyRegistry<IObjectDetector> Registry { get; } = Families.Aggregate(new FamilyRegistry<IObjectDetector>("detect", "object detector"),
        (registry, f) => registry.Add(new FamilyEntry<IObjectDetector>("detect", f.Family, [f.ModelId], f.Aliases,
            (context, model) => Create(model, context.Engine, context.Batching.MaxBatch, context.Limits), f.IsDefault)));

    /// <summary>Short names accepted on the command line and in the API; any other name is passed on as it is.</summary>
    public static string ResolveId(string name) => Registry.Find(name)?.ModelId ?? name;

    /// <summary>
    /// The catalog id of the detector a short name or an id names; a name that names no detector is an
    /// unknown model (<see cref="ModelStoreException"/>) whose message lists the detectors, not the whole catalog.
    /// </summary>
    public static string Resolve(string name) => Registry.ResolveId(name);

    public static IObjectDetector Create(CachedModel model, InferenceEngine engine, int batchSize = 8, ImageLimits? limits = null)
    {
        var classes = model.Entry.Labels?.Count ?? throw new ArgumentException($"model '{model.Entry.Id}' has no labels");
        var family = FamilyOf(model.Entry.Id);
        var input = InputOf(model.Entry.Id);
        return new ObjectDetector(model, engine, family.Head(input, classes), input, batchSize, limits);
    }

    /// <summary>How a known detector's input is made, read from its catalog entry.</summary>
    public static DetectorInput InputOf(string id)
    {
        FamilyOf(id);
        var spec = ModelInputs.Of(id) ?? throw new ArgumentException($"model '{id}' has no input specification in the catalog");
        if (spec.Channels != 3 || spec.Fit == InputFit.SquareRegions)
            throw new ArgumentException($"model '{id}' does not take a whole RGB image");
        return new DetectorInput(spec.Width, spec.Height, spec.ChannelsFirst, spec.Scale, spec.Offset, KeepAspect: spec.Fit == InputFit.Letterbox);
    }

    private static DetectorFamily FamilyOf(string id) =>
        Families.FirstOrDefault(f => string.Equals(f.ModelId, id, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"model '{id}' is not an object detector Sightline can decode (known: {Registry.Describe()})");
}
