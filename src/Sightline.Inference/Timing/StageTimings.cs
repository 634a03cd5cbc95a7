using System.Diagnostics;

namespace Sightline.Inference.Timing;

/// <summary>Wall time spent in each stage of one task call, in milliseconds.</summary>
public readonly record struct StageTimings(double PreprocessMs, double InferenceMs, double PostprocessMs)
{
    public double TotalMs => PreprocessMs + InferenceMs + PostprocessMs;

    public static StageTimings operator +(StageTimings a, StageTimings b) =>
        new(a.PreprocessMs + b.PreprocessMs, a.InferenceMs + b.InferenceMs, a.PostprocessMs + b.PostprocessMs);

    /// <summary>This batch's time shared evenly between its items, so per-image results add up to the batch.</summary>
    public StageTimings Share(int items) =>
        items <= 1 ? this : new(PreprocessMs / items, InferenceMs / items, PostprocessMs / items);

    public static double Since(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
}
