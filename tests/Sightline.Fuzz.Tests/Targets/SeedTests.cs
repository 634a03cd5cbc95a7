using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Sightline.Fuzz.Targets;
using Sightline.Imaging;
using Sightline.Library.Search;
using Sightline.Models.Import;
using Sightline.Models.Onnx;
using Sightline.Vision.Classification;

namespace Sightline.Fuzz.Tests.Targets;

/// <summary>The seeds made in code are inputs the parsers accept, so that mutations start from the paths that do work.</summary>
public sealed class SeedTests
{
    private static IReadOnlyList<Seed> Made(FuzzTarget target) => target.Seeds(new SeedData(null)).ToList();

    [Fact]
    public void The_image_seeds_decode_in_every_format_they_name()
    {
        var seeds = Made(ImageTargets.Decoder);
        Assert.Equal(8, seeds.Count);
        foreach (var seed in seeds)
        {
            using var image = ImageDecoder.Decode(seed.Bytes, seed.Name, null, ImageTargets.Limits);
            Assert.Equal((24, 16), (image.Width, image.Height));
        }
    }

    [Fact]
    public void The_tfjs_seeds_parse_and_their_shards_decode()
    {
        foreach (var seed in Made(ModelTargets.Tfjs))
        {
            var split = Array.IndexOf(seed.Bytes, (byte)0);
            var json = Encoding.UTF8.GetString(seed.Bytes, 0, split);
            if (json.StartsWith('['))
            {
                // A face-api manifest gets as far as the network builder, which asks for the weights it names.
                var refused = Assert.Throws<TfjsImportException>(() => TfjsModelFile.Parse(json, "face_expression_model-weights_manifest.json"));
                Assert.Contains("needs weight", refused.Message, StringComparison.Ordinal);
                continue;
            }
            var model = TfjsModelFile.Parse(json, seed.Name);
            var weights = TfjsWeightReader.Decode(model, _ => seed.Bytes[(split + 1)..]);
            Assert.NotEmpty(weights);
        }
    }

    [Fact]
    public void The_onnx_seeds_are_models_with_readable_metadata()
    {
        var seeds = Made(ModelTargets.Onnx);
        Assert.Equal("a,b", OnnxModelEditor.ReadMetadata(seeds[0].Bytes)["classes"]);
        Assert.All(seeds, s => Assert.NotEmpty(OnnxModelEditor.FreeBatchAxis(s.Bytes)));
    }

    [Fact]
    public void The_classifier_seeds_read_as_classifiers()
    {
        foreach (var seed in Made(ModelTargets.Classifier))
        {
            var model = ClassifierFile.Read(new MemoryStream(seed.Bytes), seed.Name);
            Assert.Equal(["cats", "dogs", "owls"], model.Classes);
        }
    }

    [Fact]
    public void The_query_seeds_hold_searches_that_parse()
    {
        var searches = Made(ServerTargets.Query)
            .Select(s => QueryHelpers.ParseQuery(Encoding.UTF8.GetString(s.Bytes)))
            .Where(q => q.ContainsKey("q"))
            .Select(q => SearchQueryLanguage.Parse(q["q"].ToString()))
            .ToList();
        Assert.Equal(5, searches.Count);
    }
}
