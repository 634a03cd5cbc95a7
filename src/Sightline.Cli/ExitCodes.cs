namespace Sightline.Cli;

/// <summary>Process exit codes: each kind of failure has its own, so scripts can tell them apart.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Something unexpected: a bug, reported with its stack trace.</summary>
    public const int InternalError = 1;
    /// <summary>The command line itself is wrong: unknown option, missing argument, bad value.</summary>
    public const int Usage = 2;
    /// <summary>An input image or file cannot be used (missing, corrupt, too large, unsupported).</summary>
    public const int BadInput = 3;
    /// <summary>A model cannot be fetched, verified or loaded.</summary>
    public const int ModelStore = 4;
    /// <summary>An index file cannot be used as asked.</summary>
    public const int Index = 5;
    /// <summary>A classifier file cannot be used: missing, damaged, of another format version, or its backbone differs.</summary>
    public const int Classifier = 6;
    /// <summary>A face gallery cannot be used as asked: missing, damaged, bound to another descriptor model, or no such person.</summary>
    public const int Gallery = 7;
    /// <summary>A photo library cannot be used: not a library, made by a newer version, its database unreachable or its disk full.</summary>
    public const int Library = 8;
    /// <summary>A change to a library's people that breaks a rule: merging people whose faces share a photo, a name another person has, a person into themselves.</summary>
    public const int Conflict = 9;
    /// <summary>An export that cannot be done as asked: its target inside a source folder or the library, not writable, or without symbolic links.</summary>
    public const int Export = 10;
    /// <summary>A program Sightline runs is missing: ffmpeg for videos.</summary>
    public const int Tool = 11;
    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
