using System.Globalization;
using Sightline.Vision.Detection;

namespace Sightline.Video.Evaluation;

/// <summary>
/// One line of a MOTChallenge text file: <c>frame,id,x,y,w,h,conf,class,visibility</c> (1-based frame, box in
/// pixels). Ground truth uses conf 0 for boxes to ignore; a tracker writes its score there and -1 in the rest.
/// </summary>
public readonly record struct MotRow(int Frame, int Id, BoundingBox Box, float Confidence = 1, int ClassId = -1, float Visibility = -1);

public sealed class MotFormatException(string message) : Exception(message);

/// <summary>Reads and writes MOTChallenge text files.</summary>
public static class MotFile
{
    public static IReadOnlyList<MotRow> Read(string path)
    {
        if (!File.Exists(path))
            throw new MotFormatException($"'{path}' does not exist");
        var rows = new List<MotRow>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            rows.Add(Parse(line, $"{path}:{lineNumber}"));
        }
        return rows;
    }

    public static MotRow Parse(string line, string where)
    {
        var fields = line.Split(line.Contains(',') ? ',' : ' ', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 6)
            throw new MotFormatException($"{where}: {fields.Length} fields; a MOT line is frame,id,x,y,w,h[,conf,class,visibility]");
        double Number(int i, string name)
        {
            if (!double.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                throw new MotFormatException($"{where}: {name} '{fields[i]}' is not a number");
            return value;
        }
        var frame = Number(0, "frame");
        var id = Number(1, "id");
        if (frame < 1 || frame != Math.Floor(frame))
            throw new MotFormatException($"{where}: frame '{fields[0]}' is not a whole number from 1");
        if (id != Math.Floor(id))
            throw new MotFormatException($"{where}: id '{fields[1]}' is not a whole number");
        var w = Number(4, "width");
        var h = Number(5, "height");
        if (w < 0 || h < 0)
            throw new MotFormatException($"{where}: the box has a negative width or height");
        var box = new BoundingBox((float)Number(2, "x"), (float)Number(3, "y"), (float)w, (float)h);
        var confidence = fields.Length > 6 ? (float)Number(6, "conf") : 1;
        var classId = fields.Length > 7 ? (int)Number(7, "class") : -1;
        var visibility = fields.Length > 8 ? (float)Number(8, "visibility") : -1;
        return new MotRow((int)frame, (int)id, box, confidence, classId, visibility);
    }

    public static string Format(MotRow row) => string.Create(CultureInfo.InvariantCulture,
        $"{row.Frame},{row.Id},{row.Box.X:0.##},{row.Box.Y:0.##},{row.Box.Width:0.##},{row.Box.Height:0.##},{row.Confidence:0.####},{row.ClassId},{row.Visibility:0.##}");

    /// <summary>Writes every row, frames in order, through a temporary file, so that a failure leaves no half-written file.</summary>
    public static void Write(string path, IEnumerable<MotRow> rows)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var writer = new StreamWriter(temporary))
                foreach (var row in rows.OrderBy(r => r.Frame).ThenBy(r => r.Id))
                    writer.WriteLine(Format(row));
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }
}
