using Sightline.Vision.Pipeline;

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
        registry.Add(Sightline.Vision.Moderation.ModerateTask.Entry);
        return registry;
    }
}
