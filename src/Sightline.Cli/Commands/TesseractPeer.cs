using System.Diagnostics;

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
