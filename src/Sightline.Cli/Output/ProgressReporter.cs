using Spectre.Console;

namespace Sightline.Cli.Output;

/// <summary>
/// Progress on standard error, so standard output stays clean for tables and JSON: a live bar on a
/// terminal, a line per tenth of the work otherwise (logs, CI).
/// </summary>
public sealed class ProgressReporter(IAnsiConsole console, bool interactive)
{
    public Task<T> RunAsync<T>(string description, Func<Action<double, double?>, Task<T>> work) =>
        RunAsync<T>(description, report => work((done, total) => report(done, total, null)));

    /// <summary>As <see cref="RunAsync{T}(string, Func{Action{double, double?}, Task{T}})"/>, with a short text shown after the description (a rate, failures so far).</summary>
    public async Task<T> RunAsync<T>(string description, Func<Action<double, double?, string?>, Task<T>> work)
    {
        if (interactive)
        {
            T result = default!;
            await console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(description, maxValue: 1);
                    task.IsIndeterminate = true;
                    result = await work((done, total, note) =>
                    {
                        if (note is not null)
                            task.Description = Markup.Escape($"{description} ({note})");
                        if (total is > 0)
                        {
                            task.IsIndeterminate = false;
                            task.MaxValue = total.Value;
                            task.Value = Math.Min(done, total.Value);
                        }
                    }).ConfigureAwait(false);
                    task.Value = task.MaxValue;
                }).ConfigureAwait(false);
            return result;
        }

        var lastTenth = -1;
        var gate = new object();
        console.MarkupLine($"[grey]{Markup.Escape(description)}...[/]");
        return await work((done, total, note) =>
        {
            if (total is not > 0) return;
            var tenth = (int)(10 * done / total.Value);
            lock (gate)
            {
                if (tenth <= lastTenth) return;
                lastTenth = tenth;
            }
            console.MarkupLine($"[grey]{Markup.Escape(description)}: {tenth * 10}% ({done:0}/{total:0}{(note is null ? "" : $"; {Markup.Escape(note)}")})[/]");
        }).ConfigureAwait(false);
    }
}
