using System.Text.Json;
using Sightline.Vision.Results;

namespace Sightline.Cli.Output;

/// <summary>What every command prints with --json: the API's result conventions (<see cref="ResultJson"/>), indented for people.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = new(ResultJson.Options) { WriteIndented = true };

    public static void Write<T>(TextWriter writer, T value) => writer.WriteLine(JsonSerializer.Serialize(value, Options));
}
