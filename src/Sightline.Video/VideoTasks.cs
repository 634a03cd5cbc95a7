using Sightline.Analysis;
using Sightline.Faces;
using Sightline.Video.Decoding;
using Sightline.Video.Tracking;
using Sightline.Vision.Detection;

namespace Sightline.Video;

/// <summary>The chosen tasks as a video run builds them, and the analyser's options that go with them.</summary>
public sealed record VideoRun(IReadOnlyList<ChosenTask> Tasks, VideoAnalysisOptions Options);

/// <summary>
/// How tracking changes the chosen tasks, written once for the CLI, the server and the benchmark. With tracking,
/// the detect task's min score becomes the tracker's working point (confident boxes at least that, new tracks 0.1
/// more) and the task itself runs down to the tracker's low score, so that doubtful boxes can continue tracks while
/// frames still list only boxes at the min score; the faces task keeps each face's descriptor, which a face track's
/// one descriptor is made of.
/// </summary>
public static class VideoTasks
{
    public static VideoRun Prepare(IReadOnlyList<ChosenTask> chosen, FrameSampling sampling, TrackerOptions? tracking)
    {
        if (tracking is null)
            return new VideoRun(chosen, new VideoAnalysisOptions { Sampling = sampling });
        float? shown = null;
        var tasks = new List<ChosenTask>(chosen.Count);
        foreach (var c in chosen)
        {
            switch (c.Options)
            {
                case DetectTaskOptions detect:
                    shown = detect.MinScore;
                    tracking = tracking.AtScore(detect.MinScore);
                    tasks.Add(c with { Options = detect with { MinScore = tracking.LowScore } });
                    break;
                case FacesTaskOptions faces:
                    tasks.Add(c with { Options = faces with { Descriptors = true } });
                    break;
                default:
                    tasks.Add(c);
                    break;
            }
        }
        return new VideoRun(tasks, new VideoAnalysisOptions { Sampling = sampling, Tracking = tracking, ShownMinScore = shown });
    }
}
