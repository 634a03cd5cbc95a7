using Sightline.Vision.Moderation;
using Sightline.Faces;
using Sightline.Vision.Classification;
using Sightline.Vision.Detection;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Pipeline;
using Sightline.Vision.Segmentation;
using Sightline.Vision.Text;

namespace Sightline.Analysis;

/// <summary>
/// The tasks Sightline ships, one entry each. The CLI, the server and <c>analyze</c> find tasks here and
/// nowhere else, so a new task is one line below plus its entry, its decoder and its tests.
/// </summary>
public static class BuiltInTasks
{
    public static TaskRegistry Registry { get; } = Create();

    private static TaskRegistry Create()
    {
        var registry = new TaskRegistry();
        registry.Add(DetectTask.Entry);
        registry.Add(FacesTask.Entry);
        registry.Add(SegmentTask.Entry);
        registry.Add(EmbedTask.Entry);
        registry.Add(ClassifyTask.Entry);
        registry.Add(ModerateTask.Entry);
        registry.Add(TextTask.Entry);
        return registry;
    }
}
