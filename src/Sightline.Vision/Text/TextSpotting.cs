namespace Sightline.Vision.Text;

/// <summary>A box of text, found or labelled: its corners, what it says, and whether it is a don't-care region (ICDAR's "###": unreadable, neither rewarded nor punished).</summary>
public sealed record TextBox(Quadrilateral Corners, string Text, bool DontCare = false)
{
    /// <summary>The ICDAR transcription of a region that is not to be scored.</summary>
    public const string DontCareText = "###";

    /// <summary>A labelled box: "###" and empty transcriptions are don't-care regions.</summary>
    public static TextBox Labelled(Quadrilateral corners, string text) =>
        new(corners, text, string.IsNullOrWhiteSpace(text) || text.Trim() == DontCareText);
}

/// <summary>Counts of one or more images' scoring, added up before the rates are taken (a micro average, as ICDAR's).</summary>
public readonly record struct SpottingCounts(int Truths, int Detections, int Matched, int Read)
{
    public static SpottingCounts operator +(SpottingCounts a, SpottingCounts b) =>
        new(a.Truths + b.Truths, a.Detections + b.Detections, a.Matched + b.Matched, a.Read + b.Read);

    /// <summary>Detections that overlap a labelled box at IoU 0.5, over the detections.</summary>
    public double DetectionPrecision => Detections == 0 ? 0 : (double)Matched / Detections;

    public double DetectionRecall => Truths == 0 ? 0 : (double)Matched / Truths;

    public double DetectionF => F(DetectionPrecision, DetectionRecall);

    /// <summary>End to end: labelled boxes found and read right, over the labelled boxes.</summary>
    public double WordRecall => Truths == 0 ? 0 : (double)Read / Truths;

    /// <summary>End to end: detections read right, over the detections.</summary>
    public double WordPrecision => Detections == 0 ? 0 : (double)Read / Detections;

    public double WordF => F(WordPrecision, WordRecall);

    private static double F(double p, double r) => p + r == 0 ? 0 : 2 * p * r / (p + r);
}

/// <summary>
/// Detection and end-to-end scoring of text boxes against labelled ones, ICDAR 2015's protocol: a detection mostly
/// (over half its area) inside a don't-care region is ignored; the rest are matched one to one with labelled boxes at
/// IoU at least 0.5, best overlaps first; a match is read right when the texts agree ignoring case and whitespace.
/// </summary>
public static class TextSpotting
{
    public const double MatchIoU = 0.5;
    public const double DontCareCover = 0.5;

    public static SpottingCounts Score(IReadOnlyList<TextBox> truth, IReadOnlyList<TextBox> found)
    {
        var cared = truth.Where(t => !t.DontCare).ToList();
        var ignored = truth.Where(t => t.DontCare).ToList();
        var detections = found.Where(f => !ignored.Any(d => Intersection(f.Corners, d.Corners) > DontCareCover * Area(f.Corners.Points))).ToList();
        var pairs = new List<(int Truth, int Found, double IoU)>();
        for (var t = 0; t < cared.Count; t++)
        for (var f = 0; f < detections.Count; f++)
        {
            var iou = IoU(cared[t].Corners, detections[f].Corners);
            if (iou >= MatchIoU)
                pairs.Add((t, f, iou));
        }
        var truthTaken = new bool[cared.Count];
        var foundTaken = new bool[detections.Count];
        var (matched, read) = (0, 0);
        foreach (var (t, f, _) in pairs.OrderByDescending(p => p.IoU))
        {
            if (truthTaken[t] || foundTaken[f])
                continue;
            truthTaken[t] = foundTaken[f] = true;
            matched++;
            if (Key(cared[t].Text) == Key(detections[f].Text))
                read++;
        }
        return new SpottingCounts(cared.Count, detections.Count, matched, read);
    }

    /// <summary>A text as scoring compares it: whitespace removed, upper case (labels with the spaces taken out still match).</summary>
    public static string Key(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();

    public static double IoU(Quadrilateral a, Quadrilateral b)
    {
        var inter = Intersection(a, b);
        var union = Area(a.Points) + Area(b.Points) - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /// <summary>The area two quadrilaterals share; <paramref name="b"/> must be convex (a detector's boxes are rectangles).</summary>
    public static double Intersection(Quadrilateral a, Quadrilateral b)
    {
        var clipped = Clip(Clockwise(a.Points), Clockwise(b.Points));
        return clipped.Count < 3 ? 0 : Area(clipped);
    }

    /// <summary>A polygon's area by the shoelace formula, whichever way it winds.</summary>
    public static double Area(IReadOnlyList<PointF> polygon)
    {
        double sum = 0;
        for (var i = 0; i < polygon.Count; i++)
        {
            var (p, q) = (polygon[i], polygon[(i + 1) % polygon.Count]);
            sum += (double)p.X * q.Y - (double)q.X * p.Y;
        }
        return Math.Abs(sum) / 2;
    }

    // Image coordinates (y down): a positive shoelace sum runs clockwise on screen.
    private static PointF[] Clockwise(PointF[] polygon)
    {
        double sum = 0;
        for (var i = 0; i < polygon.Length; i++)
        {
            var (p, q) = (polygon[i], polygon[(i + 1) % polygon.Length]);
            sum += (double)p.X * q.Y - (double)q.X * p.Y;
        }
        return sum >= 0 ? polygon : polygon.Reverse().ToArray();
    }

    // Sutherland-Hodgman: the subject polygon cut by each edge of the convex clip polygon in turn.
    private static List<PointF> Clip(PointF[] subject, PointF[] clip)
    {
        var output = subject.ToList();
        for (var e = 0; e < clip.Length && output.Count > 0; e++)
        {
            var (a, b) = (clip[e], clip[(e + 1) % clip.Length]);
            var input = output;
            output = new List<PointF>(input.Count + 2);
            for (var i = 0; i < input.Count; i++)
            {
                var (p, q) = (input[i], input[(i + 1) % input.Count]);
                var (pIn, qIn) = (Side(a, b, p) >= 0, Side(a, b, q) >= 0);
                if (pIn)
                    output.Add(p);
                if (pIn != qIn)
                    output.Add(Crossing(a, b, p, q));
            }
        }
        return output;
    }

    // Which side of the edge a -> b the point is: inside (right of the edge, clockwise in y-down coordinates) is positive.
    private static double Side(PointF a, PointF b, PointF p) => (double)(b.X - a.X) * (p.Y - a.Y) - (double)(b.Y - a.Y) * (p.X - a.X);

    private static PointF Crossing(PointF a, PointF b, PointF p, PointF q)
    {
        var sp = Side(a, b, p);
        var sq = Side(a, b, q);
        var t = sp / (sp - sq);
        return new PointF((float)(p.X + t * (q.X - p.X)), (float)(p.Y + t * (q.Y - p.Y)));
    }
}
