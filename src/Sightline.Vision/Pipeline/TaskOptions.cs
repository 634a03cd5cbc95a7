namespace Sightline.Vision.Pipeline;

/// <summary>
/// Base of every task's options record. The record carries the single default of each rule (the CLI and the
/// server map their arguments onto it and add no defaults of their own) and validates itself: a value out of
/// range throws <see cref="TaskOptionsException"/> naming the option and the accepted range, which the CLI
/// turns into exit code 2 and the server into HTTP 422 (problem code bad_parameter).
/// </summary>
public abstract record TaskOptions
{
    /// <summary>Throws <see cref="TaskOptionsException"/> when a value is out of range.</summary>
    public abstract void Validate();

    /// <summary>Throws unless <paramref name="value"/> lies in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    protected static void InRange(string option, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
            throw new TaskOptionsException(option, $"{option} must be between {Show(min)} and {Show(max)}, got {Show(value)}");
    }

    /// <summary>Throws unless <paramref name="value"/> lies in (<paramref name="min"/>, <paramref name="max"/>]: a bound that may not be its lower end (an IoU of 0 would drop every box).</summary>
    protected static void AboveAndAtMost(string option, double value, double min, double max)
    {
        if (!(value > min && value <= max))
            throw new TaskOptionsException(option, $"{option} must be in ({Show(min)}, {Show(max)}], got {Show(value)}");
    }

    /// <summary>Throws unless <paramref name="value"/> lies strictly between <paramref name="min"/> and <paramref name="max"/>.</summary>
    protected static void StrictlyBetween(string option, double value, double min, double max)
    {
        if (!(value > min && value < max))
            throw new TaskOptionsException(option, $"{option} must be between {Show(min)} and {Show(max)}, exclusive, got {Show(value)}");
    }

    /// <summary>Throws unless the count <paramref name="value"/> lies in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    protected static void InRange(string option, int value, int min, int max)
    {
        if (value < min || value > max)
            throw new TaskOptionsException(option, $"{option} must be between {min} and {max}, got {value}");
    }

    // Options are mostly floats: shown at float precision, 0.3 reads "0.3", not 0.30000001192092896.
    private static string Show(double value) => ((float)value).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>An option value that a task cannot run with; <see cref="Option"/> names it as the user wrote it.</summary>
public sealed class TaskOptionsException(string option, string message) : ArgumentException(message)
{
    public string Option { get; } = option;
}
