using System.Diagnostics;
using Sightline.Vision.Text;

namespace Sightline.Cli.Commands;

/// <summary>
/// Tesseract 5 (Debian's <c>tesseract-ocr</c>), the text-reading peer: the same image read by its command line,
/// one line (page segmentation 7) or a page (3, its default), and the time it took.
/// </summary>
internal static class TesseractPeer
{
    public static bool Available(out string? version)
    {
        version = null;
        try
        {
            var (output, ok) = Run(["--version"], TimeSpan.FromSeconds(20));
            version = output.Split('\n').FirstOrDefault()?.Trim();
            return ok;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public static (string Text, double Ms) Read(string image, bool line, string language = "eng")
    {
        var start = Stopwatch.GetTimestamp();
        var (output, ok) = Run([image, "-", "--psm", line ? "7" : "3", "-l", language], TimeSpan.FromMinutes(2));
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return (ok ? output : "", ms);
    }

    /// <summary>
    /// The lines Tesseract finds on a page (its TSV output, words grouped by block, paragraph and line), each with the
    /// box around its words, and the time it took.
    /// </summary>
    public static (IReadOnlyList<TextBox> Lines, double Ms) ReadLines(string image, string language = "eng")
    {
        var start = Stopwatch.GetTimestamp();
        var (output, ok) = Run([image, "-", "--psm", "3", "-l", language, "tsv"], TimeSpan.FromMinutes(2));
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return (ok ? LinesOfTsv(output) : [], ms);
    }

    internal static IReadOnlyList<TextBox> LinesOfTsv(string tsv)
    {
        var words = new List<(string Key, float X, float Y, float Right, float Bottom, string Text)>();
        foreach (var row in tsv.Split('\n').Skip(1))
        {
            var f = row.TrimEnd('\r').Split('\t');
            // level 5 is a word; a word's confidence is -1 when Tesseract found a box but no text.
            if (f.Length < 12 || f[0] != "5" || f[10].StartsWith('-') || f[11].Trim().Length == 0)
                continue;
            float N(int i) => float.Parse(f[i], System.Globalization.CultureInfo.InvariantCulture);
            words.Add(($"{f[1]}.{f[2]}.{f[3]}.{f[4]}", N(6), N(7), N(6) + N(8), N(7) + N(9), f[11].Trim()));
        }
        return words.GroupBy(w => w.Key).Select(g =>
        {
            var (x, y, r, b) = (g.Min(w => w.X), g.Min(w => w.Y), g.Max(w => w.Right), g.Max(w => w.Bottom));
            return new TextBox(new Quadrilateral(new(x, y), new(r, y), new(r, b), new(x, b)), string.Join(' ', g.Select(w => w.Text)));
        }).ToList();
    }

    private static (string Output, bool Ok) Run(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("tesseract") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("tesseract did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return ("", false);
        }
        return (output.Result, process.ExitCode == 0);
    }
}
