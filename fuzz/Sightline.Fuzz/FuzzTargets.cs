using Sightline.Fuzz.Targets;

namespace Sightline.Fuzz;

/// <summary>Every fuzz target, by name.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        ImageTargets.Decoder,
        MetadataTargets.Embedded,
        MetadataTargets.XmpSidecar,
        MetadataTargets.TakeoutSidecar,
        ModelTargets.Tfjs,
        ModelTargets.Onnx,
        ModelTargets.Classifier,
        ServerTargets.Multipart,
        ServerTargets.Query,
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>The targets' names alone, readable without running any target's (instrumented) set-up.</summary>
public static class FuzzTargetNames
{
    public static IReadOnlyList<string> All { get; } =
        ["image", "metadata", "xmp-sidecar", "takeout-sidecar", "tfjs", "onnx", "classifier", "multipart", "query"];
}
