using Sightline.Inference.Sessions;

namespace Sightline.Vision.Detection.Heads;

/// <summary>
/// Turns one image's raw model outputs into candidate boxes in model-input pixels (before NMS).
/// One implementation per model family; pure, so it is tested on outputs made in code.
/// </summary>
public interface IDetectionHead
{
    IReadOnlyList<ScoredBox> Decode(IReadOnlyList<OutputTensor> outputs, int item, float minScore);

    /// <summary>Whether the model's own output is already suppressed (NMS inside the graph).</summary>
    bool SuppressesOverlaps { get; }
}
