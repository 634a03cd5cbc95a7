using Sightline.Video.Tracking;
using Sightline.Vision.Detection;

namespace Sightline.Video.Evaluation;

/// <summary>How well one annotated object was followed: in how many of its frames a track covered it (IoU 0.5), and by which track most.</summary>
public sealed record ObjectCoverage(int GroundTruthId, int Frames, int Covered, int? MainTrackId, int MainTrackFrames)
{
    /// <summary>Share of the object's frames a track covered.</summary>
    public double Coverage => Frames == 0 ? 0 : (double)Covered / Frames;

    /// <summary>Share of the covered frames that the main track covered: 1 when one id followed it throughout.</summary>
    public double MainTrackShare => Covered == 0 ? 0 : (double)MainTrackFrames / Covered;
}

/// <summary>
/// The MOTChallenge figures of one sequence or several combined, with the definitions of TrackEval (Luiten et al.):
/// CLEAR MOT (MOTA, MOTP, ID switches, fragmentations, mostly tracked / lost) at IoU 0.5, the identity figures
/// (IDF1, IDP, IDR) at IoU 0.5, and HOTA with its detection, association and localisation parts, averaged over
/// IoU thresholds 0.05 to 0.95.
/// </summary>
public sealed record TrackingScores(
    int Sequences, int Frames, int GroundTruthBoxes, int TrackerBoxes, int GroundTruthIds, int TrackerIds,
    double Mota, double Motp, int TruePositives, int FalseNegatives, int FalsePositives, int IdSwitches, int Fragmentations,
    int MostlyTracked, int PartlyTracked, int MostlyLost,
    double Idf1, double Idp, double Idr, int IdTruePositives, int IdFalseNegatives, int IdFalsePositives,
    double Hota, double DetA, double AssA, double LocA, double DetRe, double DetPr, double AssRe, double AssPr,
    IReadOnlyList<ObjectCoverage> Objects);

/// <summary>The boxes of one frame: ids and boxes, ground truth or tracker.</summary>
public sealed record FrameBoxes(IReadOnlyList<int> Ids, IReadOnlyList<BoundingBox> Boxes)
{
    public static FrameBoxes Empty { get; } = new([], []);
}

/// <summary>Computes <see cref="TrackingScores"/>; pure functions over boxes per frame.</summary>
public static class TrackingMetrics
{
    public const double MatchIou = 0.5;
    private const double Eps = 2.220446049250313e-16;
    public static IReadOnlyList<double> HotaAlphas { get; } = Enumerable.Range(1, 19).Select(i => i * 0.05).ToArray();

    /// <summary>
    /// Scores MOT rows: frames 1 to <paramref name="frames"/> (by default the last frame of either). Ground-truth
    /// rows with confidence 0 are regions to ignore: tracker boxes they match (IoU 0.5) are removed, as
    /// MOTChallenge does, and the rows themselves are not scored.
    /// </summary>
    public static TrackingScores Evaluate(IReadOnlyList<MotRow> groundTruth, IReadOnlyList<MotRow> tracker, int? frames = null)
    {
        var count = frames ?? LastFrame(groundTruth, tracker);
        var (gt, tr) = PrepareFrames(groundTruth, tracker, count);
        return Evaluate(gt, tr);
    }

    /// <summary>Scores one sequence given its boxes per frame (the two lists have one entry per frame).</summary>
    public static TrackingScores Evaluate(IReadOnlyList<FrameBoxes> groundTruth, IReadOnlyList<FrameBoxes> tracker) =>
        Accumulate(groundTruth, tracker).Finish();

    /// <summary>Several sequences as one: counts summed, association figures weighted by their true positives.</summary>
    public static TrackingScores Combine(IReadOnlyList<(IReadOnlyList<FrameBoxes> GroundTruth, IReadOnlyList<FrameBoxes> Tracker)> sequences)
    {
        var total = new Counts();
        foreach (var (g, t) in sequences)
            total.Add(Accumulate(g, t));
        return total.Finish();
    }

    /// <summary>Per-frame boxes of MOT rows, as <see cref="Evaluate(IReadOnlyList{MotRow}, IReadOnlyList{MotRow}, int?)"/> prepares them.</summary>
    public static TrackingScores Combine(IReadOnlyList<(IReadOnlyList<MotRow> GroundTruth, IReadOnlyList<MotRow> Tracker)> sequences)
    {
        var total = new Counts();
        foreach (var (g, t) in sequences)
            total.Add(Prepare(g, t));
        return total.Finish();
    }

    private static Counts Prepare(IReadOnlyList<MotRow> groundTruth, IReadOnlyList<MotRow> tracker)
    {
        var (gt, tr) = PrepareFrames(groundTruth, tracker, LastFrame(groundTruth, tracker));
        return Accumulate(gt, tr);
    }

    private static int LastFrame(IReadOnlyList<MotRow> groundTruth, IReadOnlyList<MotRow> tracker) =>
        Math.Max(groundTruth.Count == 0 ? 0 : groundTruth.Max(r => r.Frame), tracker.Count == 0 ? 0 : tracker.Max(r => r.Frame));

    private static (List<FrameBoxes> Gt, List<FrameBoxes> Tr) PrepareFrames(IReadOnlyList<MotRow> groundTruth, IReadOnlyList<MotRow> tracker, int count)
    {
        var gt = new List<FrameBoxes>(count);
        var tr = new List<FrameBoxes>(count);
        var gtByFrame = groundTruth.ToLookup(r => r.Frame);
        var trByFrame = tracker.ToLookup(r => r.Frame);
        for (var f = 1; f <= count; f++)
        {
            var scored = gtByFrame[f].Where(r => r.Confidence != 0).ToList();
            var ignored = gtByFrame[f].Where(r => r.Confidence == 0).Select(r => r.Box).ToList();
            var boxes = trByFrame[f].ToList();
            if (ignored.Count > 0 && boxes.Count > 0)
            {
                var cost = new double[ignored.Count, boxes.Count];
                for (var i = 0; i < ignored.Count; i++)
                    for (var j = 0; j < boxes.Count; j++)
                    {
                        var iou = BoundingBox.IoU(ignored[i], boxes[j].Box);
                        cost[i, j] = iou >= MatchIou - Eps ? -iou : 0;
                    }
                var drop = LinearAssignment.Match(cost, 0).Where(j => j >= 0).ToHashSet();
                boxes = boxes.Where((_, j) => !drop.Contains(j)).ToList();
            }
            gt.Add(new FrameBoxes(scored.Select(r => r.Id).ToList(), scored.Select(r => r.Box).ToList()));
            tr.Add(new FrameBoxes(boxes.Select(r => r.Id).ToList(), boxes.Select(r => r.Box).ToList()));
        }
        return (gt, tr);
    }

    private static Counts Accumulate(IReadOnlyList<FrameBoxes> groundTruth, IReadOnlyList<FrameBoxes> tracker)
    {
        if (groundTruth.Count != tracker.Count)
            throw new ArgumentException($"ground truth has {groundTruth.Count} frames and the tracker {tracker.Count}; give both one entry per frame", nameof(tracker));
        var frames = groundTruth.Count;
        // Ids to dense indices, per side.
        var gtIndex = groundTruth.SelectMany(f => f.Ids).Distinct().Order().Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var trIndex = tracker.SelectMany(f => f.Ids).Distinct().Order().Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var gtIds = gtIndex.Keys.Order().ToArray();
        var trIds = trIndex.Keys.Order().ToArray();
        int nG = gtIds.Length, nT = trIds.Length;
        var g = groundTruth.Select(f => f.Ids.Select(id => gtIndex[id]).ToArray()).ToArray();
        var t = tracker.Select(f => f.Ids.Select(id => trIndex[id]).ToArray()).ToArray();
        var similarity = new double[frames][,];
        for (var f = 0; f < frames; f++)
        {
            var s = new double[g[f].Length, t[f].Length];
            for (var i = 0; i < g[f].Length; i++)
                for (var j = 0; j < t[f].Length; j++)
                    s[i, j] = BoundingBox.IoU(groundTruth[f].Boxes[i], tracker[f].Boxes[j]);
            similarity[f] = s;
        }
        var counts = new Counts
        {
            Sequences = 1,
            Frames = frames,
            GtBoxes = g.Sum(x => x.Length),
            TrBoxes = t.Sum(x => x.Length),
            GtIds = nG,
            TrIds = nT,
        };
        Clear(g, t, similarity, nG, counts, gtIds, trIds);
        Identity(g, t, similarity, nG, nT, counts);
        HigherOrder(g, t, similarity, nG, nT, counts);
        return counts;
    }

    private static void Clear(int[][] g, int[][] t, double[][,] similarity, int nG, Counts c, int[] gtIds, int[] trIds)
    {
        var gtCount = new int[nG];
        var gtMatched = new int[nG];
        var fragCount = new int[nG];
        var previous = new int[nG];
        var previousStep = new int[nG];
        Array.Fill(previous, -1);
        Array.Fill(previousStep, -1);
        var byTrack = new Dictionary<(int Gt, int Tr), int>();
        for (var f = 0; f < g.Length; f++)
        {
            if (g[f].Length == 0)
            {
                c.Fp += t[f].Length;
                continue;
            }
            if (t[f].Length == 0)
            {
                c.Fn += g[f].Length;
                foreach (var id in g[f])
                    gtCount[id]++;
                continue;
            }
            var s = similarity[f];
            var score = new double[g[f].Length, t[f].Length];
            for (var i = 0; i < g[f].Length; i++)
                for (var j = 0; j < t[f].Length; j++)
                {
                    // Continuing last frame's pairing comes first, then the better overlap.
                    var value = (t[f][j] == previousStep[g[f][i]] ? 1000 : 0) + s[i, j];
                    score[i, j] = s[i, j] < MatchIou - Eps ? 0 : -value;
                }
            var assignment = LinearAssignment.Minimize(score);
            var matchedGt = new List<int>();
            var matchedTr = new List<int>();
            double motp = 0;
            for (var i = 0; i < assignment.Length; i++)
            {
                var j = assignment[i];
                if (j < 0 || !(-score[i, j] > Eps))
                    continue;
                matchedGt.Add(g[f][i]);
                matchedTr.Add(t[f][j]);
                motp += s[i, j];
            }
            for (var k = 0; k < matchedGt.Count; k++)
                if (previous[matchedGt[k]] >= 0 && previous[matchedGt[k]] != matchedTr[k])
                    c.IdSwitches++;
            foreach (var id in g[f])
                gtCount[id]++;
            var notPreviouslyTracked = previousStep.Select(p => p < 0).ToArray();
            for (var k = 0; k < matchedGt.Count; k++)
            {
                gtMatched[matchedGt[k]]++;
                previous[matchedGt[k]] = matchedTr[k];
                var key = (gtIds[matchedGt[k]], trIds[matchedTr[k]]);
                byTrack[key] = byTrack.GetValueOrDefault(key) + 1;
            }
            Array.Fill(previousStep, -1);
            for (var k = 0; k < matchedGt.Count; k++)
                previousStep[matchedGt[k]] = matchedTr[k];
            for (var id = 0; id < nG; id++)
                if (notPreviouslyTracked[id] && previousStep[id] >= 0)
                    fragCount[id]++;
            c.Tp += matchedGt.Count;
            c.Fn += g[f].Length - matchedGt.Count;
            c.Fp += t[f].Length - matchedGt.Count;
            c.MotpSum += motp;
        }
        int mostlyTracked = 0, partlyTracked = 0;
        for (var id = 0; id < nG; id++)
        {
            if (gtCount[id] > 0)
            {
                var ratio = (double)gtMatched[id] / gtCount[id];
                if (ratio > 0.8)
                    mostlyTracked++;
                else if (ratio >= 0.2)
                    partlyTracked++;
            }
            if (fragCount[id] > 0)
                c.Fragmentations += fragCount[id] - 1;
            var main = byTrack.Where(p => p.Key.Gt == gtIds[id]).OrderByDescending(p => p.Value).ThenBy(p => p.Key.Tr).FirstOrDefault();
            c.Objects.Add(new ObjectCoverage(gtIds[id], gtCount[id], gtMatched[id], main.Value > 0 ? main.Key.Tr : null, main.Value));
        }
        c.MostlyTracked += mostlyTracked;
        c.PartlyTracked += partlyTracked;
        c.MostlyLost += nG - mostlyTracked - partlyTracked;
    }

    private static void Identity(int[][] g, int[][] t, double[][,] similarity, int nG, int nT, Counts c)
    {
        var gtDets = g.Sum(x => x.Length);
        var trDets = t.Sum(x => x.Length);
        if (trDets == 0)
        {
            c.IdFn += gtDets;
            return;
        }
        if (gtDets == 0)
        {
            c.IdFp += trDets;
            return;
        }
        var potential = new double[nG, nT];
        var gtCount = new double[nG];
        var trCount = new double[nT];
        for (var f = 0; f < g.Length; f++)
        {
            for (var i = 0; i < g[f].Length; i++)
                for (var j = 0; j < t[f].Length; j++)
                    if (similarity[f][i, j] >= MatchIou)
                        potential[g[f][i], t[f][j]]++;
            foreach (var id in g[f])
                gtCount[id]++;
            foreach (var id in t[f])
                trCount[id]++;
        }
        var n = nG + nT;
        var fp = new double[n, n];
        var fn = new double[n, n];
        for (var i = nG; i < n; i++)
            for (var j = 0; j < nT; j++)
                fp[i, j] = 1e10;
        for (var i = 0; i < nG; i++)
            for (var j = nT; j < n; j++)
                fn[i, j] = 1e10;
        for (var i = 0; i < nG; i++)
        {
            for (var j = 0; j < nT; j++)
                fn[i, j] = gtCount[i];
            fn[i, nT + i] = gtCount[i];
        }
        for (var j = 0; j < nT; j++)
        {
            for (var i = 0; i < nG; i++)
                fp[i, j] = trCount[j];
            fp[j + nG, j] = trCount[j];
        }
        for (var i = 0; i < nG; i++)
            for (var j = 0; j < nT; j++)
            {
                fn[i, j] -= potential[i, j];
                fp[i, j] -= potential[i, j];
            }
        var total = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                total[i, j] = fn[i, j] + fp[i, j];
        var assignment = LinearAssignment.Minimize(total);
        double idfn = 0, idfp = 0;
        for (var i = 0; i < n; i++)
        {
            idfn += fn[i, assignment[i]];
            idfp += fp[i, assignment[i]];
        }
        c.IdFn += (int)Math.Round(idfn);
        c.IdFp += (int)Math.Round(idfp);
        c.IdTp += (int)Math.Round(gtCount.Sum() - idfn);
    }

    private static void HigherOrder(int[][] g, int[][] t, double[][,] similarity, int nG, int nT, Counts c)
    {
        var alphas = HotaAlphas.Count;
        var gtDets = g.Sum(x => x.Length);
        var trDets = t.Sum(x => x.Length);
        var h = new HotaCounts(alphas);
        if (trDets == 0 || gtDets == 0)
        {
            for (var a = 0; a < alphas; a++)
            {
                h.Fn[a] += gtDets;
                h.Fp[a] += trDets;
            }
            c.Hota.Add(h);
            return;
        }
        var potential = new double[nG, nT];
        var gtCount = new double[nG];
        var trCount = new double[nT];
        for (var f = 0; f < g.Length; f++)
        {
            var s = similarity[f];
            int rows = g[f].Length, cols = t[f].Length;
            var rowSums = new double[rows];
            var colSums = new double[cols];
            for (var i = 0; i < rows; i++)
                for (var j = 0; j < cols; j++)
                {
                    rowSums[i] += s[i, j];
                    colSums[j] += s[i, j];
                }
            for (var i = 0; i < rows; i++)
                for (var j = 0; j < cols; j++)
                {
                    var denominator = colSums[j] + rowSums[i] - s[i, j];
                    if (denominator > Eps)
                        potential[g[f][i], t[f][j]] += s[i, j] / denominator;
                }
            foreach (var id in g[f])
                gtCount[id]++;
            foreach (var id in t[f])
                trCount[id]++;
        }
        var alignment = new double[nG, nT];
        for (var i = 0; i < nG; i++)
            for (var j = 0; j < nT; j++)
                alignment[i, j] = potential[i, j] / (gtCount[i] + trCount[j] - potential[i, j]);
        var matches = Enumerable.Range(0, alphas).Select(_ => new double[nG, nT]).ToArray();
        for (var f = 0; f < g.Length; f++)
        {
            if (g[f].Length == 0)
            {
                for (var a = 0; a < alphas; a++)
                    h.Fp[a] += t[f].Length;
                continue;
            }
            if (t[f].Length == 0)
            {
                for (var a = 0; a < alphas; a++)
                    h.Fn[a] += g[f].Length;
                continue;
            }
            var s = similarity[f];
            var score = new double[g[f].Length, t[f].Length];
            for (var i = 0; i < g[f].Length; i++)
                for (var j = 0; j < t[f].Length; j++)
                    score[i, j] = -alignment[g[f][i], t[f][j]] * s[i, j];
            var assignment = LinearAssignment.Minimize(score);
            for (var a = 0; a < alphas; a++)
            {
                var matched = 0;
                for (var i = 0; i < assignment.Length; i++)
                {
                    var j = assignment[i];
                    if (j < 0 || !(s[i, j] >= HotaAlphas[a] - Eps))
                        continue;
                    matched++;
                    h.LocSum[a] += s[i, j];
                    matches[a][g[f][i], t[f][j]]++;
                }
                h.Tp[a] += matched;
                h.Fn[a] += g[f].Length - matched;
                h.Fp[a] += t[f].Length - matched;
            }
        }
        for (var a = 0; a < alphas; a++)
        {
            double assA = 0, assRe = 0, assPr = 0;
            for (var i = 0; i < nG; i++)
                for (var j = 0; j < nT; j++)
                {
                    var m = matches[a][i, j];
                    if (m == 0)
                        continue;
                    assA += m * m / Math.Max(1, gtCount[i] + trCount[j] - m);
                    assRe += m * m / Math.Max(1, gtCount[i]);
                    assPr += m * m / Math.Max(1, trCount[j]);
                }
            // Stored as sums weighted by true positives, so that sequences combine by adding.
            var tp = Math.Max(1, h.Tp[a]);
            h.AssAWeighted[a] = assA / tp * h.Tp[a];
            h.AssReWeighted[a] = assRe / tp * h.Tp[a];
            h.AssPrWeighted[a] = assPr / tp * h.Tp[a];
        }
        c.Hota.Add(h);
    }

    private sealed class HotaCounts(int alphas)
    {
        public double[] Tp { get; } = new double[alphas];
        public double[] Fn { get; } = new double[alphas];
        public double[] Fp { get; } = new double[alphas];
        public double[] LocSum { get; } = new double[alphas];
        public double[] AssAWeighted { get; } = new double[alphas];
        public double[] AssReWeighted { get; } = new double[alphas];
        public double[] AssPrWeighted { get; } = new double[alphas];

        public void Add(HotaCounts other)
        {
            for (var a = 0; a < alphas; a++)
            {
                Tp[a] += other.Tp[a];
                Fn[a] += other.Fn[a];
                Fp[a] += other.Fp[a];
                LocSum[a] += other.LocSum[a];
                AssAWeighted[a] += other.AssAWeighted[a];
                AssReWeighted[a] += other.AssReWeighted[a];
                AssPrWeighted[a] += other.AssPrWeighted[a];
            }
        }
    }

    private sealed class Counts
    {
        public int Sequences, Frames, GtBoxes, TrBoxes, GtIds, TrIds;
        public int Tp, Fn, Fp, IdSwitches, Fragmentations, MostlyTracked, PartlyTracked, MostlyLost;
        public double MotpSum;
        public int IdTp, IdFn, IdFp;
        public HotaCounts Hota { get; } = new(HotaAlphas.Count);
        public List<ObjectCoverage> Objects { get; } = [];

        public void Add(Counts o)
        {
            Sequences += o.Sequences;
            Frames += o.Frames;
            GtBoxes += o.GtBoxes;
            TrBoxes += o.TrBoxes;
            GtIds += o.GtIds;
            TrIds += o.TrIds;
            Tp += o.Tp;
            Fn += o.Fn;
            Fp += o.Fp;
            IdSwitches += o.IdSwitches;
            Fragmentations += o.Fragmentations;
            MostlyTracked += o.MostlyTracked;
            PartlyTracked += o.PartlyTracked;
            MostlyLost += o.MostlyLost;
            MotpSum += o.MotpSum;
            IdTp += o.IdTp;
            IdFn += o.IdFn;
            IdFp += o.IdFp;
            Hota.Add(o.Hota);
            Objects.AddRange(o.Objects);
        }

        public TrackingScores Finish()
        {
            var alphas = HotaAlphas.Count;
            double hota = 0, detA = 0, assA = 0, locA = 0, detRe = 0, detPr = 0, assRe = 0, assPr = 0;
            for (var a = 0; a < alphas; a++)
            {
                var tp = Hota.Tp[a];
                var aA = Hota.AssAWeighted[a] / Math.Max(1, tp);
                var dA = tp / Math.Max(1, tp + Hota.Fn[a] + Hota.Fp[a]);
                hota += Math.Sqrt(dA * aA);
                detA += dA;
                assA += aA;
                locA += tp > 0 ? Math.Max(1e-10, Hota.LocSum[a]) / Math.Max(1e-10, tp) : 1;
                detRe += tp / Math.Max(1, tp + Hota.Fn[a]);
                detPr += tp / Math.Max(1, tp + Hota.Fp[a]);
                assRe += Hota.AssReWeighted[a] / Math.Max(1, tp);
                assPr += Hota.AssPrWeighted[a] / Math.Max(1, tp);
            }
            return new TrackingScores(Sequences, Frames, GtBoxes, TrBoxes, GtIds, TrIds,
                (Tp - Fp - IdSwitches) / (double)Math.Max(1, Tp + Fn), MotpSum / Math.Max(1, Tp), Tp, Fn, Fp, IdSwitches, Fragmentations,
                MostlyTracked, PartlyTracked, MostlyLost,
                IdTp / Math.Max(1, IdTp + 0.5 * IdFp + 0.5 * IdFn), IdTp / (double)Math.Max(1, IdTp + IdFp), IdTp / (double)Math.Max(1, IdTp + IdFn), IdTp, IdFn, IdFp,
                hota / alphas, detA / alphas, assA / alphas, locA / alphas, detRe / alphas, detPr / alphas, assRe / alphas, assPr / alphas,
                Objects);
        }
    }
}
