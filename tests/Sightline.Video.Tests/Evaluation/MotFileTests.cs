using Sightline.Video.Evaluation;
using Sightline.Vision.Detection;

namespace Sightline.Video.Tests.Evaluation;

public class MotFileTests
{
    [Fact]
    public void Reads_ground_truth_and_tracker_lines()
    {
        var gt = MotFile.Parse("3,1,205,151,17,50,1,1,0.8", "gt.txt:1");
        Assert.Equal(3, gt.Frame);
        Assert.Equal(1, gt.Id);
        Assert.Equal(new BoundingBox(205, 151, 17, 50), gt.Box);
        Assert.Equal(1, gt.ClassId);
        Assert.Equal(0.8f, gt.Visibility);
        var tracker = MotFile.Parse("1, 2, 10.5, 20, 30, 40, 0.91, -1, -1, -1", "t.txt:1");
        Assert.Equal(0.91f, tracker.Confidence);
        Assert.Equal(10.5f, tracker.Box.X);
        // Six fields only: confidence 1.
        Assert.Equal(1, MotFile.Parse("1 2 3 4 5 6", "x").Confidence);
    }

    [Theory]
    [InlineData("1,2,3", "3 fields")]
    [InlineData("0,1,1,1,1,1", "frame '0'")]
    [InlineData("1,a,1,1,1,1", "id 'a'")]
    [InlineData("1,1,1,1,-4,1", "negative")]
    public void A_bad_line_is_refused_naming_the_line_and_the_field(string line, string expected)
    {
        var e = Assert.Throws<MotFormatException>(() => MotFile.Parse(line, "tracks.txt:7"));
        Assert.Contains("tracks.txt:7", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Writes_rows_in_frame_order_and_reads_them_back()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mot-{Guid.NewGuid():N}.txt");
        try
        {
            MotRow[] rows = [new(2, 1, new BoundingBox(1, 2, 3, 4), 0.5f), new(1, 3, new BoundingBox(5.25f, 6, 7, 8), 0.75f)];
            MotFile.Write(path, rows);
            var back = MotFile.Read(path);
            Assert.Equal(new[] { 1, 2 }, back.Select(r => r.Frame));
            Assert.Equal(5.25f, back[0].Box.X);
            Assert.Equal(0.75f, back[0].Confidence);
            Assert.Empty(Directory.GetFiles(Path.GetTempPath(), $".{Path.GetFileName(path)}*"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
