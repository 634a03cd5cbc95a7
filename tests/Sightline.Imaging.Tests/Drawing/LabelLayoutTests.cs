using SkiaSharp;

namespace Sightline.Imaging.Tests.Drawing;

public sealed class LabelLayoutTests
{
    private static readonly SKSize Label = new(80, 20);

    private static bool Overlap(SKRect a, SKRect b) => SKRect.Intersect(a, b) is { Width: > 0, Height: > 0 };

    [Fact]
    public void A_lone_label_sits_above_its_box_or_inside_it_at_the_top_edge()
    {
        var spots = LabelLayout.Place([(SKRect.Create(50, 60, 100, 80), Label), (SKRect.Create(200, 0, 100, 80), Label)], 400, 300);
        Assert.Equal(SKRect.Create(50, 40, 80, 20), spots[0]);
        Assert.Equal(SKRect.Create(200, 0, 80, 20), spots[1]);
    }

    [Fact]
    public void Labels_of_coinciding_boxes_never_cover_each_other_and_the_first_keeps_the_best_spot()
    {
        // One object seen three times (horse, cow, sheep on one box), as per-class detection reports it.
        var box = SKRect.Create(100, 100, 200, 150);
        var spots = LabelLayout.Place([(box, Label), (box, Label), (box, Label)], 640, 480);

        Assert.Equal(SKRect.Create(100, 80, 80, 20), spots[0]);
        for (var i = 0; i < spots.Count; i++)
            for (var j = i + 1; j < spots.Count; j++)
                Assert.False(Overlap(spots[i], spots[j]), $"label {i} at {spots[i]} covers label {j} at {spots[j]}");
        Assert.All(spots, s => Assert.True(s.Left >= 0 && s.Top >= 0 && s.Right <= 640 && s.Bottom <= 480, $"{s} leaves the image"));
    }

    [Fact]
    public void Many_labels_on_one_box_stack_above_and_below_it()
    {
        var box = SKRect.Create(100, 200, 200, 40);
        var spots = LabelLayout.Place(Enumerable.Repeat((box, Label), 8).ToList(), 640, 480);
        for (var i = 0; i < spots.Count; i++)
            for (var j = i + 1; j < spots.Count; j++)
                Assert.False(Overlap(spots[i], spots[j]), $"label {i} at {spots[i]} covers label {j} at {spots[j]}");
        Assert.Contains(spots, s => s.Bottom <= box.Top - Label.Height);   // stacked above
        Assert.Contains(spots, s => s.Top >= box.Bottom);                   // and below
    }

    [Fact]
    public void A_label_too_wide_for_the_right_edge_moves_left_into_the_image()
    {
        var spot = LabelLayout.Place([(SKRect.Create(380, 100, 20, 20), Label)], 400, 300).Single();
        Assert.Equal(320, spot.Left);
    }
}
