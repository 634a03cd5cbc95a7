using Sightline.Vision.Text;

namespace Sightline.Vision.Tests.Text;

public sealed class ReadingOrderTests
{
    private static Quadrilateral Box(float x, float y, float w, float h) => new(new(x, y), new(x + w, y), new(x + w, y + h), new(x, y + h));

    [Fact]
    public void Rows_read_top_to_bottom_words_of_a_row_left_to_right_and_a_wide_gap_starts_a_block()
    {
        Quadrilateral[] lines =
        [
            Box(200, 12, 80, 20),   // 0: row 0, right
            Box(10, 10, 150, 20),   // 1: row 0, left
            Box(10, 40, 200, 20),   // 2: row 1
            Box(10, 140, 200, 20),  // 3: after a gap of 80 (4 line heights): a new block
        ];
        var order = ReadingOrder.Arrange(lines, 0);
        Assert.Equal([1, 0, 2, 3], order.Select(o => o.Index));
        Assert.Equal([0, 0, 0, 1], order.Select(o => o.Block));
        Assert.Equal([0, 0, 1, 2], order.Select(o => o.Row));
    }

    [Fact]
    public void A_page_turned_a_quarter_is_read_in_its_own_upright_order()
    {
        // The page turned 90 degrees clockwise: its first line is now the rightmost column, running downwards.
        Quadrilateral Down(float x) => new Quadrilateral(new(x + 20, 10), new(x + 20, 210), new(x, 210), new(x, 10));
        Quadrilateral[] lines = [Down(10), Down(100), Down(40)];
        Assert.Equal(90, ReadingOrder.PageRotation(lines));
        Assert.Equal([1, 2, 0], ReadingOrder.Arrange(lines, 90).Select(o => o.Index));
    }

    [Fact]
    public void The_page_rotation_follows_the_longer_lines()
    {
        Quadrilateral[] lines = [Box(0, 0, 300, 20), Box(0, 40, 300, 20), Box(0, 80, 40, 20).TurnedHalf()];
        Assert.Equal(0, ReadingOrder.PageRotation(lines));
        Assert.Equal(180, ReadingOrder.PageRotation(lines.Select(l => l.TurnedHalf()).ToArray()));
        Assert.Equal(0, ReadingOrder.PageRotation([]));
    }

    [Fact]
    public void Dense_print_with_boxes_taller_than_the_line_pitch_keeps_its_rows()
    {
        // A receipt: boxes 55 high every 29 pixels, the price of each row set a little lower than its label.
        Quadrilateral[] lines =
        [
            Box(450, 443, 150, 55), // 0: RegPrice
            Box(840, 450, 90, 45),  // 1: its price
            Box(450, 472, 210, 55), // 2: Card Savings
            Box(840, 478, 90, 45),  // 3: its price
            Box(450, 501, 130, 55), // 4: Mfr Cpn
            Box(840, 507, 90, 45),  // 5: its price
        ];
        var order = ReadingOrder.Arrange(lines, 0);
        Assert.Equal([0, 1, 2, 3, 4, 5], order.Select(o => o.Index));
        Assert.Equal([0, 0, 1, 1, 2, 2], order.Select(o => o.Row));
    }
}
