using System.Globalization;
using System.Reflection;
using Sightline.Vision.Pipeline;

namespace Sightline.Analysis;

/// <summary>One chosen task with its options, validated, not yet built.</summary>
public sealed record ChosenTask(TaskEntry Entry, TaskOptions Options);

/// <summary>
/// Turns what a user typed into validated tasks: a comma-separated task list (<c>detect,faces</c>) and settings
/// <c>task.option=value</c> (<c>detect.minScore=0.5</c>, <c>classify.classifier=flowers.sightline</c>), as the CLI's
/// <c>--set</c> and the API's query carry them. Any registered task and any init property of its options record
/// can be set; every mistake is a <see cref="TaskOptionsException"/> naming what was wrong and what is accepted,
/// found before any model is opened.
/// </summary>
public static class TaskSelection
{
    public static IReadOnlyList<ChosenTask> Choose(TaskRegistry registry, string? tasks, IEnumerable<KeyValuePair<string, string>>? settings = null)
    {
        var names = (tasks ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (names.Count == 0)
            throw new TaskOptionsException("tasks", $"name at least one task; tasks: {Known(registry)}");
        var entries = names.Select(registry.Resolve).ToList();
        var options = entries.ToDictionary(e => e.Name, e => e.DefaultOptions(), StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in settings ?? [])
        {
            var dot = key.IndexOf('.');
            if (dot <= 0 || dot == key.Length - 1)
                throw new TaskOptionsException(key, $"'{key}' is not task.option (e.g. detect.minScore)");
            var task = key[..dot];
            if (!options.TryGetValue(task, out var target))
                throw new TaskOptionsException(key, registry.Find(task) is null
                    ? $"'{key}' sets an option of '{task}', which is not a task; tasks: {Known(registry)}"
                    : $"'{key}' sets an option of '{task}', which is not among the chosen tasks ({string.Join(", ", names)})");
            Set(target, task, key[(dot + 1)..], value);
        }
        foreach (var chosen in options.Values)
            chosen.Validate();
        return entries.Select(e => new ChosenTask(e, options[e.Name])).ToList();
    }

    /// <summary>Builds the chosen tasks (pulling their models when missing), in the order chosen.</summary>
    public static async Task<IReadOnlyList<IImageTask>> CreateAsync(IReadOnlyList<ChosenTask> chosen, TaskContext context, CancellationToken cancellationToken = default)
    {
        var tasks = new List<IImageTask>(chosen.Count);
        foreach (var c in chosen)
            tasks.Add(await c.Entry.CreateAsync(context, c.Options, cancellationToken).ConfigureAwait(false));
        return tasks;
    }

    /// <summary>The options a task's record takes, as they are set: "minScore, iou, max, ...".</summary>
    public static IReadOnlyList<string> OptionNames(TaskEntry entry) => Settable(entry.OptionsType).Select(p => Camel(p.Name)).ToList();

    private static string Known(TaskRegistry registry) => string.Join(", ", registry.Tasks.Select(t => t.Name).Order(StringComparer.Ordinal));

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    private static void Set(TaskOptions options, string task, string option, string value)
    {
        var wanted = option.Replace("-", "", StringComparison.Ordinal);
        var property = Settable(options.GetType()).FirstOrDefault(p => string.Equals(p.Name, wanted, StringComparison.OrdinalIgnoreCase))
            ?? throw new TaskOptionsException($"{task}.{option}",
                $"{task} has no option '{option}'; options: {string.Join(", ", Settable(options.GetType()).Select(p => Camel(p.Name)))}");
        property.SetValue(options, Parse(property.PropertyType, value, $"{task}.{Camel(property.Name)}"));
    }

    private static object? Parse(Type type, string value, string name)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null && (value.Length == 0 || value.Equals("none", StringComparison.OrdinalIgnoreCase)))
            return null;
        var target = underlying ?? type;
        var culture = CultureInfo.InvariantCulture;
        object? parsed = target switch
        {
            _ when target == typeof(string) => value,
            _ when target == typeof(float) => float.TryParse(value, NumberStyles.Float, culture, out var f) ? f : null,
            _ when target == typeof(double) => double.TryParse(value, NumberStyles.Float, culture, out var d) ? d : null,
            _ when target == typeof(int) => int.TryParse(value, NumberStyles.Integer, culture, out var i) ? i : null,
            _ when target == typeof(bool) => bool.TryParse(value, out var b) ? b : null,
            _ when target.IsEnum => Enum.GetNames(target).FirstOrDefault(n => string.Equals(n, value.Replace("-", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase))
                is { } member ? Enum.Parse(target, member) : null,
            _ when target.IsAssignableFrom(typeof(string[])) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            _ => throw new TaskOptionsException(name, $"{name} cannot be set from text"),
        };
        return parsed ?? throw new TaskOptionsException(name, $"{name} must be {Describe(target)}, got '{value}'");
    }

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(int) => "a whole number",
        _ when type == typeof(bool) => "true or false",
        _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type).Select(Camel)),
        _ => "a number",
    };

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
