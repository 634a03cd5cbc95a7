using Sightline.Analysis;

namespace Sightline.Library.Tests;

public class LibrarySettingsTests
{
    [Fact]
    public void Every_default_analysis_is_a_registered_task()
    {
        foreach (var task in LibrarySettings.DefaultTasks)
            Assert.Contains(BuiltInTasks.Registry.Tasks, t => string.Equals(t.Name, task, StringComparison.OrdinalIgnoreCase));
    }
}
