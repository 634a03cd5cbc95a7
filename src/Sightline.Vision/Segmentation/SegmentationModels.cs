using Sightline.Inference.Sessions;
using Sightline.Models.Cache;

namespace Sightline.Vision.Segmentation;

/// <summary>The segmentation models Sightline knows, by catalog id, and how to read any other score-map model.</summary>
public static class SegmentationModels
{
    public const string Selfie = "human-selfie";
    public const string Meet = "human-meet";
    public const string Salient = "u2netp";
    public const string DefaultModel = Selfie;

    /// <summary>Short names accepted on the command line and in the API.</summary>
    public static string ResolveId(string name) => name.ToLowerInvariant() switch
    {
        "selfie" => Selfie,
        "meet" => Meet,
        "salient" or "u2net" or "u2netp" => Salient,
        _ => name,
    };

    private static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    /// <summary>
    /// How to run <paramref name="model"/>: known models by id; any other catalog or imported model from its
    /// input shape and labels (values 0-1 unless its catalog entry says 0-255 or -1..1; softmax over several
    /// channels, one channel taken as the foreground).
    /// </summary>
    public static ScoreMapSpec SpecFor(CachedModel model, ModelSession session) => model.Entry.Id switch
    {
        // Input size and values from the catalog (256x256 and 256 wide by 144 high, 0-1). Selfie: one
        // channel, the person probability; Meet: two channels of logits (background, person), softmax across them.
        Selfie => new(CatalogInput(Selfie), ["background", "person"], ScoreActivation.Probability),
        Meet => new(CatalogInput(Meet), ["background", "person"], ScoreActivation.Softmax),
        // rembg's U²-Net pre-processing: pixel / max, ImageNet mean/std; output d0 is a sigmoid probability, min-max normalised.
        Salient => new(new ScoreMapInput(320, 320, true, ImageNetStd.Select(s => 1 / s).ToArray(), ImageNetMean.Select((m, i) => -m / ImageNetStd[i]).ToArray(), DivideByMax: true),
            model.Entry.Labels ?? ["background", "salient"], ScoreActivation.Probability, MinMaxNormalize: true, OutputName: "d0"),
        _ => Generic(model, session),
    };

    private static ScoreMapInput CatalogInput(string id)
    {
        var spec = Models.Catalog.TfjsModels.InputOf(id) ?? throw new ArgumentException($"model '{id}' has no input specification in the catalog");
        return ScoreMapInput.Uniform(spec.Width, spec.Height, spec.ChannelsFirst, spec.Scale, spec.Offset);
    }

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
