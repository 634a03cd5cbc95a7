using Sightline.Vision.Text;

namespace Sightline.Vision.Tests.Text;

public sealed class TextBoxLabelsTests
{
    [Fact]
    public void Icdar_lines_give_corners_in_reading_order_transcriptions_with_commas_and_dont_cares()
    {
        var boxes = TextBoxLabels.ParseIcdar("\uFEFF10,20,110,20,110,50,10,50,Hello, world\r\n377,117,463,117,465,130,378,130,###\n\n", "gt_img_1.txt");
        Assert.Equal(2, boxes.Count);
        Assert.Equal("Hello, world", boxes[0].Text);
        Assert.False(boxes[0].DontCare);
        Assert.Equal(new PointF(10, 20), boxes[0].Corners.TopLeft);
        Assert.Equal(new PointF(110, 50), boxes[0].Corners.BottomRight);
        Assert.True(boxes[1].DontCare);
    }

    [Fact]
    public void A_bad_icdar_line_is_named_by_file_and_line()
    {
        var e = Assert.Throws<TextLabelsException>(() => TextBoxLabels.ParseIcdar("1,2,3,4,5,6,7,8,ok\n1,2,3,x,5,6,7,8,bad\n", "gt_7.txt"));
        Assert.Contains("gt_7.txt line 2", e.Message);
        Assert.Contains("'x'", e.Message);
        Assert.Throws<TextLabelsException>(() => TextBoxLabels.ParseIcdar("1,2,3,4,5,6\n", "gt.txt"));
    }

    [Fact]
    public void A_box_without_area_is_dont_care()
    {
        var boxes = TextBoxLabels.ParseIcdar("5,5,5,5,5,5,5,5,dot\n", "gt.txt");
        Assert.True(boxes[0].DontCare);
    }

    [Fact]
    public void Json_lines_are_read_with_image_paths_beside_the_file()
    {
        var folder = Directory.CreateTempSubdirectory();
        try
        {
            var path = Path.Combine(folder.FullName, "annotations.jsonl");
            File.WriteAllText(path, """
                {"file_name": "images/1.jpeg", "annotations": [{"box": [550.0, 190.0, 937.0, 190.0, 937.0, 104.0, 550.0, 104.0], "text": "SAFEWAY"}, {"box": [1, 1, 9, 1, 9, 9, 1, 9], "text": ""}]}

                {"file_name": "2.jpeg", "annotations": []}
                """);
            var images = TextBoxLabels.ReadJsonLines(path);
            Assert.Equal(Path.Combine(folder.FullName, "images/1.jpeg"), images[0].Image);
            Assert.Equal(new PointF(550, 104), images[0].Boxes[0].Corners.TopLeft);
            Assert.Equal("SAFEWAY", images[0].Boxes[0].Text);
            Assert.True(images[0].Boxes[1].DontCare);
            Assert.Empty(images[1].Boxes);

            File.WriteAllText(path, "{\"file_name\": \"a.jpg\", \"annotations\": [{\"box\": [1, 2, 3], \"text\": \"x\"}]}\n");
            Assert.Contains("line 1", Assert.Throws<TextLabelsException>(() => TextBoxLabels.ReadJsonLines(path)).Message);
            File.WriteAllText(path, "not json\n");
            Assert.Contains("not JSON", Assert.Throws<TextLabelsException>(() => TextBoxLabels.ReadJsonLines(path)).Message);
        }
        finally
        {
            folder.Delete(true);
        }
    }
}
