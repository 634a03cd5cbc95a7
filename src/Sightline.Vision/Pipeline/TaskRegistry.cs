namespace Sightline.Vision.Pipeline;

/// <summary>
/// One task in the registry: its name, its options and result records, and how to build it (open its models)
/// from options. The model families a task can run come from the role registries it uses
/// (<see cref="FamilyRegistry{T}"/>); the task entry is what the CLI, the server and <c>analyze</c> look up.
/// </summary>
public sealed record TaskEntry(
    string Name,
    string Title,
    Type OptionsType,
    Type ResultType,
    Func<TaskContext, TaskOptions, CancellationToken, Task<IImageTask>> CreateAsync,
    Func<TaskOptions> DefaultOptions)
{
    /// <summary>A typed entry: <paramref name="create"/> gets validated options of its own type.</summary>
    public static TaskEntry For<TOptions, TResult>(string name, string title, Func<TaskContext, TOptions, CancellationToken, Task<IImageTask<TResult>>> create)
        where TOptions : TaskOptions, new() where TResult : class =>
        new(name, title, typeof(TOptions), typeof(TResult),
            async (context, options, ct) =>
            {
                if (options is not TOptions typed)
                    throw new ArgumentException($"task '{name}' takes {typeof(TOptions).Name}, got {options.GetType().Name}", nameof(options));
                typed.Validate();
                return await create(context, typed, ct).ConfigureAwait(false);
            },
            () => new TOptions());
}

/// <summary>The tasks Sightline can run, by name.</summary>
public sealed class TaskRegistry
{
    private readonly Dictionary<string, TaskEntry> _tasks = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<TaskEntry> Tasks => _tasks.Values;

    public TaskRegistry Add(TaskEntry entry)
    {
        if (!_tasks.TryAdd(entry.Name, entry))
            throw new ArgumentException($"task '{entry.Name}' is already registered", nameof(entry));
        return this;
    }

    public TaskEntry? Find(string name) => _tasks.GetValueOrDefault(name);

    /// <summary>The entry for a task name; an unknown name throws <see cref="TaskOptionsException"/> listing the tasks.</summary>
    public TaskEntry Resolve(string name) => Find(name)
        ?? throw new TaskOptionsException("tasks", $"'{name}' is not a task; tasks: {string.Join(", ", _tasks.Keys.Order())}");

    /// <summary>Builds a task with its options (its defaults when null).</summary>
    public Task<IImageTask> CreateAsync(string name, TaskContext context, TaskOptions? options = null, CancellationToken cancellationToken = default)
    {
        var entry = Resolve(name);
        return entry.CreateAsync(context, options ?? entry.DefaultOptions(), cancellationToken);
    }
}
