using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Models.Catalog;
using Sightline.Models.Import;
using Sightline.Vision.Pipeline;

namespace Sightline.Vision.Segmentation;

/// <summary>The segmentation model families Sightline knows, and how to read any other score-map model.</summary>
public static class SegmentationModels
{
    public const string Selfie = "human-selfie";
    public const string Meet = "human-meet";
    public const string Salient = "u2netp";
    public const string DefaultModel = Selfie;

    /// <summary>
    /// One score-map family: its catalog id, the names users type, and how its output reads. The input
    /// (size, layout, values) always comes from the catalog's typed input spec.
    /// </summary>
    private sealed record ScoreMapFamily(string Family, string ModelId, string[] Aliases, Func<CachedModel, TfjsInputSpec, ScoreMapSpec> Spec, bool IsDefault = false);

    private static readonly ScoreMapFamily[] Families =
    [
        // Selfie: one channel, the person probability.
        new("selfie", Selfie, [], (_, input) => new(InputOf(input), ["background", "person"], ScoreActivation.Probability), IsDefault: true),
        // Meet: two channels of logits (background, person), softmax across them.
        new("meet", Meet, [], (_, input) => new(InputOf(input), ["background", "person"], ScoreActivation.Softmax)),
        // U²-Net (rembg's pre-processing in the catalog); output d0 is a sigmoid probability, min-max normalised as rembg does.
        new("salient", Salient, ["u2net"], (model, input) => new(InputOf(input), model.Entry.Labels ?? ["background", "salient"],
            ScoreActivation.Probability, MinMaxNormalize: true, OutputName: "d0")),
    ];

    /// <summary>The score-map families by name: selfie (the default), meet, salient.</summary>
    public static FamilyRegistry<ScoreMapModel> Registry { get; } = Families.Aggregate(new FamilyRegistry<ScoreMapModel>("segment", "segmentation model"),
        (registry, f) => registry.Add(new FamilyEntry<ScoreMapModel>("segment", f.Family, [f.ModelId], f.Aliases, (context, model) => Open(model, context.Engine), f.IsDefault)));

    /// <summary>Short names accepted on the command line and in the API; any other name is passed on as it is (a catalog or imported id).</summary>
    public static string ResolveId(string name) => Registry.Find(name)?.ModelId ?? name;

    /// <summary>
    /// How to run <paramref name="model"/>: a known family by its catalog id; any other catalog or imported model from
    /// its input shape and labels (values 0-1 unless its catalog entry says 0-255 or -1..1; softmax over several
    /// channels, one channel taken as the foreground).
    /// </summary>
    public static ScoreMapSpec SpecFor(CachedModel model, ModelSession session)
    {
        var family = Families.FirstOrDefault(f => string.Equals(f.ModelId, model.Entry.Id, StringComparison.OrdinalIgnoreCase));
        if (family is null)
            return Generic(model, session);
        var input = ModelInputs.Of(family.ModelId) ?? throw new ArgumentException($"model '{family.ModelId}' has no input specification in the catalog");
        return family.Spec(model, input);
    }

    /// <summary>The score-map input of a typed catalog input: mean and deviation folded into each channel's scale and offset.</summary>
    internal static ScoreMapInput InputOf(TfjsInputSpec input) =>
        new(input.Width, input.Height, input.ChannelsFirst, input.ChannelScale, input.ChannelOffset, input.DivideByMax);

    private static ScoreMapSpec Generic(CachedModel model, ModelSession session)
    {
        var labels = model.Entry.Labels is { Count: >= 2 } l ? l
            : throw new ArgumentException($"model '{model.Entry.Id}' has no label list (at least background and one class), so its score map cannot be read");
        var dims = session.Inputs[0].Dimensions;
        if (dims.Count != 4 || (dims[1] != 3 && dims[3] != 3))
            throw new ArgumentException($"model '{model.Entry.Id}' takes {session.Inputs[0]}, not an RGB image ([N,3,H,W] or [N,H,W,3])");
        var channelsFirst = dims[1] == 3;
        var (height, width) = channelsFirst ? (dims[2], dims[3]) : (dims[1], dims[2]);
        if (height < 1 || width < 1)
            throw new ArgumentException($"model '{model.Entry.Id}' has a free input size; Sightline needs a fixed one");
        var normalization = model.Entry.Input?.Normalization ?? "";
        var (scale, offset) = normalization.Contains("0-255", StringComparison.Ordinal) ? (1f, 0f)
            : normalization.Contains("-1", StringComparison.Ordinal) ? (2f / 255, -1f)
            : (1f / 255, 0f);
        return new ScoreMapSpec(ScoreMapInput.Uniform(width, height, channelsFirst, scale, offset), labels);
    }

    /// <summary>The score-map model for a cached catalog or imported model.</summary>
    public static ScoreMapModel Open(CachedModel model, InferenceEngine engine)
    {
        var session = engine.Open(model.ModelPath);
        return new ScoreMapModel(session, model.Entry.Id, model.Version, SpecFor(model, session));
    }
}
