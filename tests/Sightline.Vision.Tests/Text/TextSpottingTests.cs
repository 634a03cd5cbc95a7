using Sightline.Vision.Text;

namespace Sightline.Vision.Tests.Text;

public sealed class TextSpottingTests
{
    private static Quadrilateral Rect(float x, float y, float w, float h) => new(new(x, y), new(x + w, y), new(x + w, y + h), new(x, y + h));

    [Fact]
    public void Overlap_of_two_rectangles_is_their_shared_area()
    {
        Assert.Equal(50, TextSpotting.Intersection(Rect(0, 0, 10, 10), Rect(5, 0, 10, 10)), 3);
        Assert.Equal(50.0 / 150, TextSpotting.IoU(Rect(0, 0, 10, 10), Rect(5, 0, 10, 10)), 6);
        Assert.Equal(0, TextSpotting.IoU(Rect(0, 0, 10, 10), Rect(20, 0, 10, 10)));
    }

    [Fact]
    public void Overlap_does_not_depend_on_winding_or_rotation()
    {
        // A square turned 45 degrees about the centre of a 10 x 10 square: they share the octagon of area 200 (sqrt 2 - 1).
        var c = 5f;
        var r = 5 * MathF.Sqrt(2);
        var diamond = new Quadrilateral(new(c, c - r), new(c + r, c), new(c, c + r), new(c - r, c));
        var reversed = new Quadrilateral(diamond.TopLeft, diamond.BottomLeft, diamond.BottomRight, diamond.TopRight);
        var expected = 200 * (Math.Sqrt(2) - 1);
        Assert.Equal(expected, TextSpotting.Intersection(Rect(0, 0, 10, 10), diamond), 2);
        Assert.Equal(expected, TextSpotting.Intersection(reversed, Rect(0, 0, 10, 10)), 2);
    }

    [Fact]
    public void Matches_are_one_to_one_at_half_overlap_and_read_right_ignoring_case_and_spaces()
    {
        var truth = new[] { TextBox.Labelled(Rect(0, 0, 100, 20), "THANKYOU"), TextBox.Labelled(Rect(0, 30, 100, 20), "TOTAL") };
        var found = new[]
        {
            new TextBox(Rect(2, 1, 100, 20), "Thank you"),
            new TextBox(Rect(0, 0, 100, 12), "a worse overlap of the first"),
            new TextBox(Rect(0, 32, 100, 20), "T0TAL"),
            new TextBox(Rect(300, 0, 50, 20), "stray"),
        };
        var s = TextSpotting.Score(truth, found);
        Assert.Equal(new SpottingCounts(2, 4, 2, 1), s);
        Assert.Equal(0.5, s.DetectionPrecision);
        Assert.Equal(1.0, s.DetectionRecall);
        Assert.Equal(0.5, s.WordRecall);
        Assert.Equal(0.25, s.WordPrecision);
    }

    [Fact]
    public void The_best_overlap_wins_a_box_two_detections_want()
    {
        var truth = new[] { TextBox.Labelled(Rect(0, 0, 100, 20), "A") };
        var found = new[] { new TextBox(Rect(30, 0, 100, 20), "B"), new TextBox(Rect(5, 0, 100, 20), "A") };
        Assert.Equal(1, TextSpotting.Score(truth, found).Read);
    }

    [Fact]
    public void Detections_inside_dont_care_regions_are_neither_rewarded_nor_punished()
    {
        var truth = new[] { TextBox.Labelled(Rect(0, 0, 100, 20), "###"), TextBox.Labelled(Rect(0, 50, 100, 20), "") , TextBox.Labelled(Rect(0, 100, 50, 20), "word") };
        var found = new[] { new TextBox(Rect(10, 2, 60, 16), "blur"), new TextBox(Rect(0, 50, 100, 20), "x"), new TextBox(Rect(0, 100, 50, 20), "WORD") };
        Assert.Equal(new SpottingCounts(1, 1, 1, 1), TextSpotting.Score(truth, found));
    }

    [Fact]
    public void No_boxes_gives_zero_rates_not_a_division_by_zero()
    {
        var s = TextSpotting.Score([], []);
        Assert.Equal(0, s.DetectionF);
        Assert.Equal(0, s.WordF);
    }
}
