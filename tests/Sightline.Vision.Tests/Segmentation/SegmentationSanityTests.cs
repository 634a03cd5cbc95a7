using Sightline.Imaging;
using Sightline.Tests.Shared;
using Sightline.Vision.Detection;
using Sightline.Vision.Segmentation;
using Sightline.Vision.Segmentation.Evaluation;
using Sightline.Vision.Segmentation.Masks;
using Sightline.Vision.Segmentation.Rendering;
using SkiaSharp;

namespace Sightline.Vision.Tests.Segmentation;

/// <summary>The shipped mask models on the smoke-test photos of ../shared/data/sanity.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class SegmentationSanityTests(PretrainedModels models)
{
    private static string Sanity(string name) => Path.Combine(TestPaths.Data("sanity"), name);

    private ScoreMapModel Model(string id) => SegmentationModels.Open(models.Get(id), models.Engine);

    private IObjectDetector Detector() => Detectors.Create(models.Get(Detectors.CenterNet), models.Engine);

    [Fact]
    public void Cutout_of_the_dog_photo_is_a_real_mask_not_a_rectangle()
    {
        var segmenter = new SemanticSegmenter(Model(SegmentationModels.Salient));
        using var image = ImageDecoder.Decode(Sanity("dog.jpg"));
        var result = segmenter.Segment(image);
        var foreground = result.Foreground();
        var bounds = foreground.Bounds() ?? throw new Xunit.Sdk.XunitException("nothing found in dog.jpg");
        // A filled box would cover its bounds; the dog and bicycle leave much of theirs empty.
        Assert.InRange(foreground.Area, 0.05 * image.Width * image.Height, 0.75 * bounds.Area);
        using var cutout = SegmentationRendering.Cutout(image.Bitmap, foreground);
        var alpha = Enumerable.Range(0, (int)bounds.Height).Select(y => cutout.GetPixel((int)(bounds.X + bounds.Width / 2), (int)bounds.Y + y).Alpha).ToList();
        Assert.Contains((byte)0, alpha);
        Assert.Contains((byte)255, alpha);
    }

    [Fact]
    public void Person_crops_find_the_people_of_the_bus_photo_and_nothing_in_a_blank_image()
    {
        var segmenter = new SemanticSegmenter(Model(SegmentationModels.Selfie), Detector());
        using var bus = ImageDecoder.Decode(Sanity("bus.jpg"));
        var result = segmenter.Segment(bus);
        Assert.Equal(SegmentationMethod.PersonCrops, result.Method);
        Assert.Equal((bus.Width, bus.Height), (result.Width, result.Height));
        Assert.InRange(result.Classes.Single(c => c.ClassName == "person").Fraction, 0.05, 0.6);

        using var blank = Blank();
        var empty = segmenter.Segment(blank);
        Assert.Equal(["background"], empty.Classes.Select(c => c.ClassName));
        Assert.True(empty.Foreground().IsEmpty);
    }

    [Theory]
    [InlineData(SegmentationModels.Selfie)]
    [InlineData(SegmentationModels.Meet)]
    public void Whole_image_person_models_see_the_person_in_the_person_photo(string id)
    {
        var segmenter = new SemanticSegmenter(Model(id));
        using var image = ImageDecoder.Decode(Sanity("bus.jpg"));
        var result = segmenter.Segment(image);
        Assert.Equal(SegmentationMethod.FullImage, result.Method);
        Assert.InRange(result.Classes.FirstOrDefault(c => c.ClassName == "person").Fraction, 0.05, 0.9);
    }

    [Fact]
    public void Instances_get_their_own_masks_inside_their_boxes_with_rle_and_polygons()
    {
        var segmenter = new InstanceSegmenter(Detector(), Model(SegmentationModels.Selfie), Model(SegmentationModels.Salient));
        using var image = ImageDecoder.Decode(Sanity("bus.jpg"));
        var result = segmenter.Segment(image);
        var people = result.Instances.Where(i => i.ClassName == "person").ToList();
        Assert.True(people.Count >= 3, string.Join(", ", result.Instances.Select(i => $"{i.ClassName} {i.Score:0.00}")));
        Assert.Contains(result.Instances, i => i.ClassName == "bus" && i.MaskSource == MaskSource.SalientModel);
        foreach (var instance in result.Instances)
        {
            Assert.Equal(instance.Area, instance.Mask.Area);
            Assert.True(instance.Area < instance.Box.Area * 1.2 * 1.2, $"{instance.ClassName}: mask {instance.Area} px, box {instance.Box.Area:0} px");
            Assert.Equal(instance.Mask.Data, MaskRle.Decode(instance.Rle).Data);
            Assert.NotEmpty(instance.Polygons);
        }
        // No pixel belongs to two instances of one class; a mask that spans its box scores near 1 and keeps its confidence.
        foreach (var sameClass in result.Instances.GroupBy(i => i.ClassId))
        {
            var owners = new int[image.Width * image.Height];
            foreach (var instance in sameClass)
                for (var p = 0; p < owners.Length; p++)
                    owners[p] += instance.Mask.Data[p];
            Assert.True(owners.Max() <= 1, sameClass.First().ClassName);
        }
        foreach (var instance in result.Instances)
        {
            Assert.InRange(instance.MaskScore, 0f, 1f);
            Assert.Equal(instance.Score * MathF.Sqrt(instance.MaskScore), instance.Confidence, 1e-6f);
        }
        // The two people walking in full view; the one cut by the right edge gets only its legs from the person model.
        Assert.All(people.OrderByDescending(p => p.Score).Take(2), p => Assert.True(p.MaskScore > 0.6f, $"person {p.Score:0.00}: mask score {p.MaskScore:0.00}"));

        var panoptic = result.ToSemantic(segmenter.Labels);
        Assert.Equal("background", panoptic.Labels[0]);
        Assert.Contains(panoptic.Classes, c => c.ClassName == "person");
        Assert.Contains(panoptic.Classes, c => c.ClassName == "bus");

        using var blank = Blank();
        Assert.Empty(segmenter.Segment(blank).Instances);
    }

    [Fact]
    public void Salient_crops_are_capped_per_image_and_people_are_not()
    {
        var segmenter = new InstanceSegmenter(Detector(), Model(SegmentationModels.Selfie), Model(SegmentationModels.Salient));
        using var image = ImageDecoder.Decode(Sanity("bus.jpg"));
        var all = segmenter.Segment(image, new InstanceOptions(MinScore: 0.1f, MaxSalientMasks: 0));
        var capped = segmenter.Segment(image, new InstanceOptions(MinScore: 0.1f, MaxSalientMasks: 1));
        Assert.Equal(0, all.Unmasked);
        Assert.True(capped.Unmasked > 0, string.Join(", ", all.Instances.Select(i => $"{i.ClassName} {i.Score:0.00}")));
        // One salient crop: its mask, shared by any detection of the same object under another class.
        Assert.True(capped.Instances.Where(i => i.MaskSource == MaskSource.SalientModel).DistinctBy(i => i.Mask).Count() <= 1);
        Assert.Equal(all.Instances.Count(i => i.ClassName == "person"), capped.Instances.Count(i => i.ClassName == "person"));
        // The strongest non-person object keeps its mask.
        var strongest = all.Instances.Where(i => i.MaskSource == MaskSource.SalientModel).MaxBy(i => i.Score)!;
        Assert.Contains(capped.Instances, i => i.ClassName == strongest.ClassName && i.Score == strongest.Score);
    }

    [Fact]
    public void Person_iou_scoring_ignores_unlabelled_pixels()
    {
        var predicted = new BinaryMask(4, 1, [1, 1, 0, 1]);
        var score = PersonIoUEvaluation.Score("x", predicted, [1, 0, 1, 2]);
        Assert.Equal((1L, 1L, 1L, 3L), (score.TruePositive, score.FalsePositive, score.FalseNegative, score.Labelled));
        var summary = PersonIoUEvaluation.Summarize([score, PersonIoUEvaluation.Score("y", predicted, [2, 2, 2, 2])], [], 1, default);
        Assert.Equal(1.0 / 3, summary.PixelSummedIoU, 6);
        Assert.Equal(0.75, summary.FalsePositiveRate, 6);
    }

    private static DecodedImage Blank()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sightline-blank-{Guid.NewGuid():N}.png");
        using (var bitmap = new SKBitmap(new SKImageInfo(64, 48, SKColorType.Rgba8888, SKAlphaType.Unpremul)))
        {
            bitmap.Erase(new SKColor(128, 128, 128));
            Annotator.Save(bitmap, path);
        }
        try
        {
            return ImageDecoder.Decode(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
