using Sightline.Imaging;
using SkiaSharp;

namespace Sightline.Vision.Classification;

/// <summary>Draws a confusion matrix as a PNG: rows are true classes, columns predictions, darker is more.</summary>
public static class ConfusionMatrixPlot
{
    public static byte[] Png(EvaluationReport report, string? title = null)
    {
        var rows = report.Classes.Count;
        var columns = report.Confusion.Length > 0 ? report.Confusion[0].Length : rows;
        var columnNames = report.Classes.Concat(columns > rows ? ["unknown"] : []).ToList();
        const int cell = 64, margin = 24;
        using var font = new SKFont(Annotator.LabelTypeface, 14);
        var labelWidth = (int)Math.Ceiling(report.Classes.Select(c => font.MeasureText(c)).DefaultIfEmpty(0).Max()) + 16;
        var header = 40 + (int)Math.Ceiling(columnNames.Select(c => font.MeasureText(c)).DefaultIfEmpty(0).Max());
        var width = margin * 2 + labelWidth + columns * cell;
        var height = margin * 2 + header + rows * cell + 30;
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            canvas.DrawText(title ?? $"accuracy {report.Accuracy:P1} on {report.Examples} images", margin, margin, SKTextAlign.Left, font, text);
            var left = margin + labelWidth;
            var top = margin + header;
            for (var c = 0; c < columns; c++)
            {
                // Column labels run upwards so long class names fit.
                canvas.Save();
                canvas.Translate(left + c * cell + cell / 2f + 5, top - 6);
                canvas.RotateDegrees(-90);
                canvas.DrawText(columnNames[c], 0, 0, SKTextAlign.Left, font, text);
                canvas.Restore();
            }
            using var fill = new SKPaint { Style = SKPaintStyle.Fill };
            using var grid = new SKPaint { Color = SKColors.LightGray, Style = SKPaintStyle.Stroke };
            for (var r = 0; r < rows; r++)
            {
                var total = Math.Max(1, report.Confusion[r].Sum());
                canvas.DrawText(report.Classes[r], left - 8, top + r * cell + cell / 2f + 5, SKTextAlign.Right, font, text);
                for (var c = 0; c < columns; c++)
                {
                    var count = report.Confusion[r][c];
                    var share = (float)count / total;
                    fill.Color = r == c ? Blend(new SKColor(33, 102, 172), share) : Blend(new SKColor(178, 24, 43), share);
                    var rect = SKRect.Create(left + c * cell, top + r * cell, cell, cell);
                    canvas.DrawRect(rect, fill);
                    canvas.DrawRect(rect, grid);
                    text.Color = share > 0.5f ? SKColors.White : SKColors.Black;
                    canvas.DrawText(count.ToString(), rect.MidX, rect.MidY + 5, SKTextAlign.Center, font, text);
                    text.Color = SKColors.Black;
                }
            }
            canvas.DrawText("rows: true class, columns: predicted", margin, height - margin / 2f, SKTextAlign.Left, font, text);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }


    private static SKColor Blend(SKColor colour, float share) => new(
        (byte)(255 + (colour.Red - 255) * share),
        (byte)(255 + (colour.Green - 255) * share),
        (byte)(255 + (colour.Blue - 255) * share));
}
