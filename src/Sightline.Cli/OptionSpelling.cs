using System.Text;
using Sightline.Vision.Pipeline;

namespace Sightline.Cli;

/// <summary>
/// Options records name a bad value by the API's parameter (minScore); the CLI spells the same option
/// --min-score. One rule maps the one onto the other, so both name the option the user typed.
/// </summary>
public static class OptionSpelling
{
    /// <summary>"minScore" becomes "--min-score".</summary>
    public static string ToCli(string apiName)
    {
        var cli = new StringBuilder("--");
        foreach (var c in apiName)
        {
            if (char.IsUpper(c))
                cli.Append('-').Append(char.ToLowerInvariant(c));
            else
                cli.Append(c);
        }
        return cli.ToString();
    }

    /// <summary>The exception's message with its option as the CLI spells it.</summary>
    public static string InCliTerms(TaskOptionsException e) =>
        e.Message.StartsWith(e.Option, StringComparison.Ordinal) ? ToCli(e.Option) + e.Message[e.Option.Length..] : e.Message;
}
