using System.Globalization;
using System.Text.Json;
using Sightline.Imaging;

namespace Sightline.Vision.Detection.Evaluation;

/// <summary>One image of a labelled set.</summary>
public readonly record struct DatasetImage(long Id, string Path, int Width, int Height);

/// <summary>
/// Images with ground-truth boxes and the category names, read from a COCO instances JSON file or from
/// YOLO label files (one text file per image: class cx cy w h, normalised).
/// </summary>
public sealed record DetectionDataset(IReadOnlyList<DatasetImage> Images, IReadOnlyList<GroundTruthBox> Boxes, IReadOnlyDictionary<int, string> Categories)
{
    /// <summary>The category id for a class name, or null when the data set has no such category.</summary>
    public int? CategoryOf(string name) =>
        Categories.Where(c => string.Equals(c.Value, name, StringComparison.OrdinalIgnoreCase)).Select(c => (int?)c.Key).FirstOrDefault();

    public static DetectionDataset FromCoco(string instancesJson, string imagesFolder)
    {
        if (!File.Exists(instancesJson))
            throw new FileNotFoundException($"annotations file '{instancesJson}' does not exist", instancesJson);
        using var stream = File.OpenRead(instancesJson);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{instancesJson}' is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (!root.TryGetProperty("images", out var images) || !root.TryGetProperty("annotations", out var annotations) || !root.TryGetProperty("categories", out var categories))
                throw new InvalidDataException($"'{instancesJson}' is not a COCO instances file (needs images, annotations and categories)");
            var list = images.EnumerateArray().Select(i => new DatasetImage(
                i.GetProperty("id").GetInt64(), System.IO.Path.Combine(imagesFolder, i.GetProperty("file_name").GetString()!),
                i.GetProperty("width").GetInt32(), i.GetProperty("height").GetInt32())).ToList();
            var boxes = annotations.EnumerateArray().Select(a =>
            {
                var b = a.GetProperty("bbox");
                var box = new BoundingBox(b[0].GetSingle(), b[1].GetSingle(), b[2].GetSingle(), b[3].GetSingle());
                var area = a.TryGetProperty("area", out var ar) ? ar.GetDouble() : box.Area;
                var crowd = a.TryGetProperty("iscrowd", out var c) && c.GetInt32() == 1;
                return new GroundTruthBox(a.GetProperty("image_id").GetInt64(), a.GetProperty("category_id").GetInt32(), box, area, crowd);
            }).ToList();
            var names = categories.EnumerateArray().ToDictionary(c => c.GetProperty("id").GetInt32(), c => c.GetProperty("name").GetString()!);
            return new DetectionDataset(list, boxes, names);
        }
    }

    /// <summary>
    /// YOLO labels: for each image in <paramref name="imagesFolder"/>, <c>labels/&lt;name&gt;.txt</c> lines of
    /// "class cx cy w h" (normalised); class names one per line or as a YAML <c>names:</c> map.
    /// Category ids are the class indices.
    /// </summary>
    public static DetectionDataset FromYolo(string imagesFolder, string labelsFolder, IReadOnlyList<string> classNames)
    {
        var images = new List<DatasetImage>();
        var boxes = new List<GroundTruthBox>();
        long id = 0;
        foreach (var path in Directory.EnumerateFiles(imagesFolder).Where(ImageDecoder.IsSupportedExtension).Order(StringComparer.Ordinal))
        {
            var info = ImageDecoder.ReadInfo(path);
            var image = new DatasetImage(++id, path, info.Width, info.Height);
            images.Add(image);
            var label = System.IO.Path.Combine(labelsFolder, System.IO.Path.GetFileNameWithoutExtension(path) + ".txt");
            if (!File.Exists(label))
                continue;
            var lineNumber = 0;
            foreach (var line in File.ReadLines(label))
            {
                lineNumber++;
                var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 0) continue;
                if (parts.Length < 5 || !int.TryParse(parts[0], out var cls) || !parts.Skip(1).Take(4).All(p => float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                    throw new InvalidDataException($"{label}:{lineNumber}: expected 'class cx cy w h', got '{line}'");
                var v = parts.Skip(1).Take(4).Select(p => float.Parse(p, CultureInfo.InvariantCulture)).ToArray();
                var box = new BoundingBox((v[0] - v[2] / 2) * image.Width, (v[1] - v[3] / 2) * image.Height, v[2] * image.Width, v[3] * image.Height);
                boxes.Add(new GroundTruthBox(image.Id, cls, box, box.Area, false));
            }
        }
        return new DetectionDataset(images, boxes, classNames.Select((n, i) => (n, i)).ToDictionary(p => p.i, p => p.n));
    }

    /// <summary>Class names from a YOLO names file: a YAML "names:" map or list, or one name per line.</summary>
    public static IReadOnlyList<string> ReadClassNames(string path)
    {
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var start = lines.FindIndex(l => l.StartsWith("names:", StringComparison.Ordinal));
        if (start < 0)
            return lines;
        var inline = lines[start]["names:".Length..].Trim();
        if (inline.StartsWith('['))
            return inline.Trim('[', ']').Split(',').Select(n => n.Trim().Trim('\'', '"')).ToList();
        var names = new List<string>();
        foreach (var line in lines.Skip(start + 1))
        {
            var colon = line.IndexOf(':');
            if (line.StartsWith("- ", StringComparison.Ordinal)) names.Add(line[2..].Trim().Trim('\'', '"'));
            else if (colon > 0 && int.TryParse(line[..colon], out _)) names.Add(line[(colon + 1)..].Trim().Trim('\'', '"'));
            else break;
        }
        return names;
    }
}
