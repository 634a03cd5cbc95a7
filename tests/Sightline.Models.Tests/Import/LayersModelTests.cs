using System.Text;
using System.Text.Json;
using Sightline.Inference.Sessions;
using Sightline.Models.Import;

namespace Sightline.Models.Tests.Import;

/// <summary>Keras layers models (and the JavaScript-module wrapping nsfwjs uses) through the same converter.</summary>
public sealed class LayersModelTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sightline-layers-").FullName;
    private readonly InferenceEngine _engine = new(new EngineOptions(1));

    [Fact]
    public void A_minified_object_literal_becomes_the_same_json()
    {
        const string module = "!function(e){module.exports=e()}(function(){return function(a,n){a.exports={modelTopology:{name:\"m\\u0031\",on:!0,off:!1,none:null,list:[1,.5,-2e-3,'q\"uote'],nested:{x:void 0}}}}});";
        var json = JsModuleLiteral.ExportedObjectAsJson(module, "model.min.js");
        using var doc = JsonDocument.Parse(json);
        var topology = doc.RootElement.GetProperty("modelTopology");
        Assert.Equal("m1", topology.GetProperty("name").GetString());
        Assert.True(topology.GetProperty("on").GetBoolean());
        Assert.False(topology.GetProperty("off").GetBoolean());
        Assert.Equal(JsonValueKind.Null, topology.GetProperty("none").ValueKind);
        Assert.Equal([1.0, 0.5, -0.002], topology.GetProperty("list").EnumerateArray().Take(3).Select(e => e.GetDouble()));
        Assert.Equal("q\"uote", topology.GetProperty("list")[3].GetString());
        Assert.Equal(JsonValueKind.Null, topology.GetProperty("nested").GetProperty("x").ValueKind);
    }

    [Fact]
    public void A_shard_module_yields_its_base64_bytes()
    {
        var bytes = Enumerable.Range(0, 300).Select(i => (byte)(i * 7)).ToArray();
        var module = $"!function(e){{module.exports=e()}}(function(){{return \"{Convert.ToBase64String(bytes)}\"}});";
        Assert.Equal(bytes, JsModuleLiteral.ExportedBase64(module, "shard.min.js"));
    }

    [Fact]
    public void A_module_without_an_exported_object_is_refused()
    {
        var error = Assert.Throws<TfjsImportException>(() => JsModuleLiteral.ExportedObjectAsJson("console.log(1)", "x.js"));
        Assert.Equal(TfjsImportErrorKind.BadModelFile, error.Kind);
    }

    [Fact]
    public void A_functional_keras_model_computes_conv_batchnorm_relu6_pool_flatten_dense_softmax()
    {
        var kernel = NaiveOps.Random(3 * 3 * 2 * 3, 50);
        float[] gamma = [1.5f, 0.5f, 1f], beta = [0.1f, -0.2f, 0f], mean = [0.05f, -0.1f, 0.2f], variance = [0.9f, 1.2f, 0.3f];
        var dense = NaiveOps.Random(3 * 2, 51);
        float[] denseBias = [0.3f, -0.3f];
        var weights = new (string Name, long[] Shape, float[] Values)[]
        {
            ("conv/kernel", [3, 3, 2, 3], kernel), ("bn/gamma", [3], gamma), ("bn/beta", [3], beta),
            ("bn/moving_mean", [3], mean), ("bn/moving_variance", [3], variance), ("fc/kernel", [3, 2], dense), ("fc/bias", [2], denseBias),
        };
        string In(string name) => $"[[[\"{name}\",0,0,{{}}]]]";
        var layers = string.Join(",",
            "{\"name\":\"image\",\"class_name\":\"InputLayer\",\"config\":{\"name\":\"image\",\"batch_input_shape\":[null,6,6,2]},\"inbound_nodes\":[]}",
            $"{{\"name\":\"conv\",\"class_name\":\"Conv2D\",\"config\":{{\"name\":\"conv\",\"kernel_size\":[3,3],\"strides\":[1,1],\"padding\":\"same\",\"data_format\":\"channels_last\",\"dilation_rate\":[1,1],\"activation\":\"linear\",\"use_bias\":false}},\"inbound_nodes\":{In("image")}}}",
            $"{{\"name\":\"bn\",\"class_name\":\"BatchNormalization\",\"config\":{{\"name\":\"bn\",\"axis\":-1,\"epsilon\":0.001,\"center\":true,\"scale\":true}},\"inbound_nodes\":{In("conv")}}}",
            $"{{\"name\":\"relu\",\"class_name\":\"ReLU\",\"config\":{{\"name\":\"relu\",\"max_value\":6,\"negative_slope\":0,\"threshold\":0}},\"inbound_nodes\":{In("bn")}}}",
            $"{{\"name\":\"pool\",\"class_name\":\"AveragePooling2D\",\"config\":{{\"name\":\"pool\",\"pool_size\":[6,6],\"strides\":[6,6],\"padding\":\"valid\",\"data_format\":\"channels_last\"}},\"inbound_nodes\":{In("relu")}}}",
            $"{{\"name\":\"flat\",\"class_name\":\"Flatten\",\"config\":{{\"name\":\"flat\"}},\"inbound_nodes\":{In("pool")}}}",
            $"{{\"name\":\"fc\",\"class_name\":\"Dense\",\"config\":{{\"name\":\"fc\",\"units\":2,\"activation\":\"softmax\",\"use_bias\":true}},\"inbound_nodes\":{In("flat")}}}");
        var manifest = string.Join(",", weights.Select(w => $"{{\"name\":\"{w.Name}\",\"shape\":[{string.Join(",", w.Shape)}],\"dtype\":\"float32\"}}"));
        var json = $"{{\"modelTopology\":{{\"model_config\":{{\"class_name\":\"Model\",\"config\":{{\"name\":\"m\",\"layers\":[{layers}],\"input_layers\":[[\"image\",0,0]],\"output_layers\":[[\"fc\",0,0]]}}}}}},\"weightsManifest\":[{{\"paths\":[\"w.bin\"],\"weights\":[{manifest}]}}]}}";
        File.WriteAllText(Path.Combine(_directory, "model.json"), json);
        File.WriteAllBytes(Path.Combine(_directory, "w.bin"), weights.SelectMany(w => w.Values.SelectMany(BitConverter.GetBytes)).ToArray());

        var result = TfjsImporter.ImportFile(Path.Combine(_directory, "model.json"));
        var onnx = Path.Combine(_directory, "model.onnx");
        File.WriteAllBytes(onnx, result.Onnx);
        var input = NaiveOps.Random(6 * 6 * 2, 52);
        var output = _engine.Open(onnx).Run(input, 1).Single();

        var conv = NaiveOps.Conv2D(input, 1, 6, 6, 2, kernel, 3, 3, 3, 1, true, out _, out _);
        var pooled = new double[3];
        for (var i = 0; i < conv.Length; i++)
        {
            var c = i % 3;
            var normalised = (conv[i] - mean[c]) / Math.Sqrt(variance[c] + 0.001) * gamma[c] + beta[c];
            pooled[c] += Math.Clamp(normalised, 0, 6) / 36;
        }
        var logits = Enumerable.Range(0, 2).Select(o => Enumerable.Range(0, 3).Sum(c => pooled[c] * dense[c * 2 + o]) + denseBias[o]).ToArray();
        var softmax = logits.Select(l => Math.Exp(l) / logits.Sum(Math.Exp)).ToArray();
        Assert.Equal([1, 2], output.Shape);
        for (var i = 0; i < 2; i++)
            Assert.True(Math.Abs(softmax[i] - output.Values[i]) < 1e-5, $"class {i}: expected {softmax[i]}, got {output.Values[i]}");
    }

    [Fact]
    public void An_unknown_layer_class_names_the_layer()
    {
        const string json = "{\"modelTopology\":{\"model_config\":{\"class_name\":\"Sequential\",\"config\":{\"name\":\"s\",\"layers\":[{\"class_name\":\"LSTM\",\"config\":{\"name\":\"memory\",\"batch_input_shape\":[null,4,3]}}]}}},\"weightsManifest\":[]}";
        var error = Assert.Throws<TfjsImportException>(() => TfjsModelFile.Parse(json, "model.json"));
        Assert.Equal(TfjsImportErrorKind.UnsupportedOp, error.Kind);
        Assert.Contains("memory", error.Message);
        Assert.Contains("LSTM", error.Message);
    }

    [Fact]
    public void A_face_api_manifest_without_a_known_architecture_is_refused_by_name()
    {
        const string manifest = "[{\"paths\":[\"x.bin\"],\"weights\":[{\"name\":\"conv0/filters\",\"shape\":[1],\"dtype\":\"float32\"}]}]";
        var error = Assert.Throws<TfjsImportException>(() => TfjsModelFile.Parse(manifest, "/models/mtcnn_model-weights_manifest.json"));
        Assert.Equal(TfjsImportErrorKind.UnsupportedOp, error.Kind);
        Assert.Contains("mtcnn_model-weights_manifest.json", error.Message);
    }

    public void Dispose()
    {
        _engine.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
