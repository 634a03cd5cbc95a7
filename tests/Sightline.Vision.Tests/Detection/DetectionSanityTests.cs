using Sightline.Imaging;
using Sightline.Tests.Shared;
using Sightline.Vision.Detection;

namespace Sightline.Vision.Tests.Detection;

/// <summary>Both detector families on the classic smoke-test photos of ../shared/data/sanity.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class DetectionSanityTests(PretrainedModels models)
{
    private IObjectDetector Detector(string id) => Detectors.Create(models.Get(id), models.Engine);

    private static string Sanity(string name) => Path.Combine(TestPaths.Data("sanity"), name);

    [Theory]
    [InlineData(Detectors.CenterNet)]
    [InlineData(Detectors.NanoDet)]
    public void Bus_photo_has_at_least_four_people_and_a_bus(string model)
    {
        var result = Detector(model).Detect(Sanity("bus.jpg"), new DetectOptions(0.2f));
        Assert.True(result.Detections.Count(d => d.ClassName == "person") >= 4, string.Join(", ", result.Detections.Select(d => $"{d.ClassName} {d.Score:0.00}")));
        Assert.Contains(result.Detections, d => d.ClassName == "bus");
        Assert.Equal((810, 1080), (result.Width, result.Height));
        Assert.All(result.Detections, d =>
        {
            Assert.InRange(d.Score, 0.2f, 1f);
            Assert.InRange(d.Box.X, 0, 810);
            Assert.InRange(d.Box.Right, 0, 810.01f);
            Assert.Equal(d.Box.X / 810, d.NormalizedBox.X, 4);
        });
        Assert.True(result.Timings.InferenceMs > 0);
    }

    [Fact]
    public void Dog_photo_has_a_dog_a_bicycle_and_a_car_or_truck()
    {
        var result = Detector(Detectors.CenterNet).Detect(Sanity("dog.jpg"));
        var names = result.Detections.Select(d => d.ClassName).ToHashSet();
        Assert.Contains("dog", names);
        Assert.Contains("bicycle", names);
        Assert.True(names.Contains("car") || names.Contains("truck"), string.Join(", ", names));
    }

    [Fact]
    public void The_cat_photo_localizes_a_cat_and_a_class_filter_can_find_nothing()
    {
        var detection = Detector(Detectors.CenterNet).Detect(Sanity("chelsea.png"));
        var main = ObjectLocalization.MainObject(detection);
        Assert.Equal("cat", main.Object?.ClassName);
        Assert.False(ObjectLocalization.MainObject(detection, "giraffe").Found);
    }

    [Fact]
    public void Class_filter_and_maximum_are_applied()
    {
        var result = Detector(Detectors.CenterNet).Detect(Sanity("bus.jpg"), new DetectOptions(0.2f, 0.5f, 2, new HashSet<string> { "person" }));
        Assert.Equal(2, result.Detections.Count);
        Assert.All(result.Detections, d => Assert.Equal("person", d.ClassName));
    }

    [Fact]
    public void Batched_nanodet_equals_single_runs_and_a_corrupt_file_is_reported_while_the_rest_run()
    {
        var dir = Directory.CreateTempSubdirectory("sightline-detect-").FullName;
        try
        {
            var broken = Path.Combine(dir, "broken.jpg");
            File.WriteAllBytes(broken, File.ReadAllBytes(Sanity("dog.jpg"))[..5000]);
            var files = new[] { Sanity("bus.jpg"), broken, Sanity("dog.jpg"), Sanity("horses.jpg") };
            var detector = Detector(Detectors.NanoDet);
            var batched = detector.DetectFiles(files);
            Assert.Null(batched[1].Result);
            Assert.Contains("broken.jpg", batched[1].Error!.Message);
            foreach (var i in new[] { 0, 2, 3 })
            {
                var single = detector.Detect(files[i]);
                var many = batched[i].Result!;
                Assert.Equal(single.Detections.Select(d => d.ClassName), many.Detections.Select(d => d.ClassName));
                Assert.All(single.Detections.Zip(many.Detections), p => Assert.Equal(p.First.Box.X, p.Second.Box.X, 2));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void An_exif_rotated_photo_gets_boxes_on_the_upright_image()
    {
        var jpeg = File.ReadAllBytes(Sanity("bus.jpg"));
        using var upright = ImageDecoder.Decode(jpeg, "bus.jpg");
        // Store the photo turned 90 degrees counter-clockwise with EXIF orientation 6 (turn clockwise to view).
        using var rotated = new SkiaSharp.SKBitmap(upright.Height, upright.Width, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Unpremul);
        using (var canvas = new SkiaSharp.SKCanvas(rotated))
        {
            canvas.Translate(0, upright.Width);
            canvas.RotateDegrees(-90);
            using var image = SkiaSharp.SKImage.FromBitmap(upright.Bitmap);
            canvas.DrawImage(image, 0, 0, new SkiaSharp.SKSamplingOptions(SkiaSharp.SKFilterMode.Nearest));
        }
        using var data = rotated.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 95);
        var stored = Sightline.Imaging.Tests.Support.HandMade.WithExifOrientation(data.ToArray(), 6);
        using var decoded = ImageDecoder.Decode(stored, "rotated.jpg");
        var detector = Detector(Detectors.CenterNet);
        var result = detector.Detect(decoded, new DetectOptions(0.2f));
        Assert.Equal((810, 1080), (result.Width, result.Height));
        Assert.True(result.Detections.Count(d => d.ClassName == "person") >= 4);
        // The same people in the same places as on the upright photo (JPEG re-encoding moves boxes a little).
        var reference = detector.Detect(upright, new DetectOptions(0.2f)).Detections.First(d => d.ClassName == "bus").Box;
        var bus = result.Detections.First(d => d.ClassName == "bus").Box;
        Assert.True(BoundingBox.IoU(reference, bus) > 0.9f, $"bus at {bus}, upright {reference}");
    }

    [Theory]
    [InlineData("person.jpg", "horse")]
    [InlineData("dog.jpg", "car")]
    [InlineData("chelsea.png", "cat")]
    public void One_object_is_reported_as_one_class_unless_every_class_is_asked_for(string photo, string strongest)
    {
        var detector = Detector(Detectors.CenterNet);
        string Listed(IEnumerable<DetectedObject> d) => string.Join(", ", d.Select(x => $"{x.ClassName} {x.Score:0.00}"));
        var perClass = detector.Detect(Sanity(photo), DetectOptions.PerClass(0.25f)).Detections;
        var byDefault = detector.Detect(Sanity(photo), new DetectOptions(0.25f)).Detections;

        // Per class, the object is seen as more than one class on the same box (horse, cow and sheep, say) ...
        var main = perClass.First(d => d.ClassName == strongest);
        Assert.True(perClass.Count(d => d.ClassName != strongest && BoundingBox.IoU(d.Box, main.Box) > DetectOptions.DefaultSameObjectIou) >= 1, Listed(perClass));
        // ... by default it keeps its strongest class only, and no two kept boxes of different classes coincide.
        Assert.Contains(byDefault, d => d.ClassName == strongest && d.Box == main.Box);
        foreach (var a in byDefault)
            foreach (var b in byDefault)
                if (a.ClassId != b.ClassId)
                    Assert.True(BoundingBox.IoU(a.Box, b.Box) <= DetectOptions.DefaultSameObjectIou, Listed(byDefault));
        Assert.True(byDefault.Count < perClass.Count);
    }
}
