using Sightline.Models.Import;

namespace Sightline.Models.Tests.Import;

public sealed class TfjsWeightReaderTests
{
    [Fact]
    public void Uint8_weights_are_dequantised_as_q_times_scale_plus_min_in_double_precision()
    {
        const double scale = 0.0123456789, min = -1.1;
        byte[] q = [0, 1, 127, 255];
        var graph = new TfGraphBuilder();
        graph.QuantizedConst("w", [4], q, scale, min);
        var weights = TfjsWeightReader.Decode(graph.Model, _ => graph.Shard);
        Assert.Equal(q.Select(v => (float)(v * scale + min)).ToArray(), weights["w"].Floats);
    }

    [Fact]
    public void Float16_weights_are_widened_exactly()
    {
        Half[] values = [(Half)0.5f, (Half)(-3.25f), Half.Epsilon, (Half)65504f];
        var graph = new TfGraphBuilder();
        graph.HalfConst("w", [2, 2], values);
        var weights = TfjsWeightReader.Decode(graph.Model, _ => graph.Shard);
        Assert.Equal(values.Select(v => (float)v).ToArray(), weights["w"].Floats);
        Assert.Equal([2L, 2L], weights["w"].Shape);
    }

    [Fact]
    public void Int32_weights_keep_their_values()
    {
        var graph = new TfGraphBuilder();
        graph.Ints("shape", 1, -1, 7);
        var weights = TfjsWeightReader.Decode(graph.Model, _ => graph.Shard);
        Assert.Equal([1L, -1L, 7L], weights["shape"].Integers!);
    }

    [Fact]
    public void A_truncated_shard_is_refused_naming_the_weight()
    {
        var graph = new TfGraphBuilder();
        graph.Const("a", [4], [1, 2, 3, 4]);
        graph.Const("b", [8], NaiveOps.Random(8, 2));
        var truncated = graph.Shard[..^5];
        var error = Assert.Throws<TfjsImportException>(() => TfjsWeightReader.Decode(graph.Model, _ => truncated));
        Assert.Equal(TfjsImportErrorKind.BadWeights, error.Kind);
        Assert.Contains("'b'", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void A_manifest_whose_shapes_do_not_cover_the_data_is_refused()
    {
        var graph = new TfGraphBuilder();
        graph.Const("a", [4], [1, 2, 3, 4]);
        var longer = graph.Shard.Concat(new byte[8]).ToArray();
        var error = Assert.Throws<TfjsImportException>(() => TfjsWeightReader.Decode(graph.Model, _ => longer));
        Assert.Equal(TfjsImportErrorKind.BadWeights, error.Kind);
        Assert.Contains("shapes do not match", error.Message);
    }

    [Fact]
    public void A_constant_declared_with_another_shape_than_its_weight_is_refused()
    {
        var graph = new TfGraphBuilder();
        var x = graph.Input("x", 1, 6);
        graph.Const("w", [6], NaiveOps.Random(6, 3));
        graph.Op("Mul", "y", [x, "w"]);
        graph.Output("y");
        // Same byte count, different declared shape: the graph says [6], the manifest [2, 3].
        var json = graph.Json().Replace("\"shape\":[6]", "\"shape\":[2,3]", StringComparison.Ordinal);
        var model = TfjsModelFile.Parse(json, "test");
        var weights = TfjsWeightReader.Decode(model, _ => graph.Shard);
        var error = Assert.Throws<TfjsImportException>(() => TfGraphConverter.Convert(model, weights));
        Assert.Equal(TfjsImportErrorKind.BadWeights, error.Kind);
        Assert.Contains("'w'", error.Message);
    }

    [Fact]
    public void A_missing_shard_file_is_reported_with_its_path()
    {
        var directory = Directory.CreateTempSubdirectory("sightline-tfjs-").FullName;
        try
        {
            var graph = new TfGraphBuilder();
            graph.Const("a", [1], [1]);
            var json = graph.WriteTo(directory);
            File.Delete(Path.Combine(directory, "group1-shard1of1.bin"));
            var error = Assert.Throws<TfjsImportException>(() => TfjsImporter.ImportFile(json));
            Assert.True(error.Kind == TfjsImportErrorKind.BadWeights, error.Message);
            Assert.Contains("group1-shard1of1.bin", error.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
