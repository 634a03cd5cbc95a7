using System.Text.Json;

namespace Sightline.Models.Import;

/// <summary>
/// face-api ships weight manifests only; its architectures live in the library's code. This writes
/// them out as TensorFlow graphs with the ops face-api runs (so the one converter turns them into
/// ONNX). Supported: the tiny face detector.
/// </summary>
internal static class FaceApiNetworks
{
    private const string TinyFaceDetector = "tiny_face_detector_model-weights_manifest.json";
    private const string FaceExpression = "face_expression_model-weights_manifest.json";
    private const string FaceLandmark68 = "face_landmark_68_model-weights_manifest.json";
    private const string AgeGender = "age_gender_model-weights_manifest.json";
    private const string FaceRecognition = "face_recognition_model-weights_manifest.json";
    private const string FaceLandmark68Tiny = "face_landmark_68_tiny_model-weights_manifest.json";
    private const string SsdMobilenetV1 = "ssd_mobilenetv1_model-weights_manifest.json";

    /// <summary>The face-api network name (as in <c>faceapi.nets</c>) and input size for a manifest file, or null.</summary>
    public static (string Net, int InputSize)? NetOf(string manifestPath) => Path.GetFileName(manifestPath) switch
    {
        TinyFaceDetector => ("tinyFaceDetector", 416),
        FaceExpression => ("faceExpressionNet", 112),
        FaceLandmark68 => ("faceLandmark68Net", 112),
        AgeGender => ("ageGenderNet", 112),
        FaceRecognition => ("faceRecognitionNet", 150),
        FaceLandmark68Tiny => ("faceLandmark68TinyNet", 112),
        SsdMobilenetV1 => ("ssdMobilenetv1", 512),
        _ => null,
    };

    public static TfjsModelFile Build(string manifestPath, IReadOnlyList<TfWeightGroup> groups) => Path.GetFileName(manifestPath) switch
    {
        TinyFaceDetector => new TinyFaceDetectorGraph(groups).Build(),
        FaceExpression => new FaceProcessorGraph(groups).Expression(),
        FaceLandmark68 => new FaceProcessorGraph(groups).Landmarks(),
        AgeGender => new AgeGenderGraph(groups).Build(),
        FaceRecognition => new FaceRecognitionGraph(groups).Build(),
        FaceLandmark68Tiny => new FaceProcessorGraph(groups).TinyLandmarks(),
        SsdMobilenetV1 => new SsdMobilenetV1Graph(groups).Build(),
        _ => throw new TfjsImportException(TfjsImportErrorKind.UnsupportedOp,
            $"{manifestPath}: a face-api weight manifest for a network this importer has no architecture for (supported: {string.Join(", ", new[] { TinyFaceDetector, FaceExpression, FaceLandmark68, FaceLandmark68Tiny, AgeGender, FaceRecognition, SsdMobilenetV1 })})"),
    };

    /// <summary>
    /// face-api's FaceProcessor networks over the FaceFeatureExtractor (mean colour subtracted, /255,
    /// four dense blocks of separable convolutions with residual sums, 7x7 average pooling) and a fully
    /// connected layer: FaceExpressionNet (softmax over seven expressions) and FaceLandmark68Net (136
    /// coordinates, scaled by the input size and back as face-api's post-processing does for a square input).
    /// </summary>
    private sealed class FaceProcessorGraph(IReadOnlyList<TfWeightGroup> groups) : GraphWriter(groups)
    {
        public TfjsModelFile Expression() =>
            Model("face-api FaceExpressionNet", Node("Softmax", "output", [FullyConnected("fc", Features())]));

        public TfjsModelFile Landmarks() => Model("face-api FaceLandmark68Net", LandmarkOutput(Features()));

        public TfjsModelFile TinyLandmarks()
        {
            var x = NormalizedInput(112, [122.782f, 117.001f, 104.298f]);
            for (var i = 0; i < 3; i++)
                x = DenseBlock(3, $"dense{i}", x, first: i == 0);
            var features = Flatten(Node("AvgPool", "pool", [x], ("ksize", Ints(1, 14, 14, 1)), Strides(2), Padding("VALID")));
            return Model("face-api FaceLandmark68TinyNet", LandmarkOutput(features));
        }

        private string LandmarkOutput(string features)
        {
            var size = Constant("input_size", TfTensor.Float([], [112f]));
            var scaled = Node("Mul", "landmarks/scale", FullyConnected("fc", features), size);
            return Node("RealDiv", "output", scaled, size);
        }

        private string Features()
        {
            var x = NormalizedInput(112, [122.782f, 117.001f, 104.298f]);
            for (var i = 0; i < 4; i++)
                x = DenseBlock(4, $"dense{i}", x, first: i == 0);
            return Flatten(Node("AvgPool", "pool", [x], ("ksize", Ints(1, 7, 7, 1)), Strides(2), Padding("VALID")));
        }

        // face-api's denseBlock3/denseBlock4. Sums nest as face-api writes them (out1 + (out2 + out3)), so rounding matches.
        private string DenseBlock(int convs, string name, string x, bool first)
        {
            var conv0 = first
                ? Node("Add", name + "/conv0", Node("Conv2D", name + "/conv0/conv", [x, Weight(name + "/conv0/filters")], Strides(2), Padding("SAME")), Weight(name + "/conv0/bias"))
                : SeparableSame(name + "/conv0", x, 2);
            var outs = new List<string> { Node("Relu", name + "/out1", [conv0]) };
            var input = outs[0];
            for (var i = 1; i < convs; i++)
            {
                outs.Add(SeparableSame($"{name}/conv{i}", input, 1));
                var sum = outs[^1];
                for (var j = outs.Count - 2; j >= 0; j--)
                    sum = Node("Add", $"{name}/sum{i}_{j}", outs[j], sum);
                input = Node("Relu", i == convs - 1 ? name : $"{name}/in{i + 1}", [sum]);
            }
            return input;
        }

    }

    /// <summary>
    /// face-api's AgeGenderNet: TinyXception with two main blocks, 7x7 average pooling, then a linear age
    /// regression (one value per face) and a softmax over two genders.
    /// </summary>
    private sealed class AgeGenderGraph(IReadOnlyList<TfWeightGroup> groups) : GraphWriter(groups)
    {
        public TfjsModelFile Build()
        {
            var x = NormalizedInput(112, [122.782f, 117.001f, 104.298f]);
            x = Node("Relu", "entry_flow/conv_in/relu", [ConvSame("entry_flow/conv_in", x, 2)]);
            x = ReductionBlock("entry_flow/reduction_block_0", x, activateInput: false);
            x = ReductionBlock("entry_flow/reduction_block_1", x, activateInput: true);
            for (var i = 0; HasWeight($"middle_flow/main_block_{i}/separable_conv0/bias"); i++)
                x = MainBlock($"middle_flow/main_block_{i}", x);
            x = ReductionBlock("exit_flow/reduction_block", x, activateInput: true);
            x = Node("Relu", "exit_flow/relu", [SeparableSame("exit_flow/separable_conv", x, 1)]);
            var pooled = Flatten(Node("AvgPool", "pool", [x], ("ksize", Ints(1, 7, 7, 1)), Strides(2), Padding("VALID")));
            var age = Node("Reshape", "age", FullyConnected("fc/age", pooled), Constant("age/shape", TfTensor.Integer([1], [-1], TfDataType.Int32)));
            var gender = Node("Softmax", "gender", [FullyConnected("fc/gender", pooled)]);
            return Model("face-api AgeGenderNet", age, gender);
        }

        private string ReductionBlock(string name, string x, bool activateInput)
        {
            var input = activateInput ? Node("Relu", name + "/relu_in", [x]) : x;
            var out1 = SeparableSame(name + "/separable_conv0", input, 1);
            var out2 = SeparableSame(name + "/separable_conv1", Node("Relu", name + "/relu1", [out1]), 1);
            var pooled = Node("MaxPool", name + "/pool", [out2], ("ksize", Ints(1, 3, 3, 1)), Strides(2), Padding("SAME"));
            return Node("Add", name, pooled, ConvSame(name + "/expansion_conv", x, 2));
        }

        private string MainBlock(string name, string x)
        {
            var out1 = SeparableSame(name + "/separable_conv0", Node("Relu", name + "/relu0", [x]), 1);
            var out2 = SeparableSame(name + "/separable_conv1", Node("Relu", name + "/relu1", [out1]), 1);
            var out3 = SeparableSame(name + "/separable_conv2", Node("Relu", name + "/relu2", [out2]), 1);
            return Node("Add", name, out3, x);
        }

        private string ConvSame(string name, string x, int stride) =>
            Node("Add", name, Node("Conv2D", name + "/conv", [x, Weight(name + "/filters")], Strides(stride), Padding("SAME")), Weight(name + "/bias"));
    }

    /// <summary>
    /// TinyYolov2 with separable convolutions, as face-api's TinyFaceDetector runs it: subtract the mean
    /// colour, divide by 255, a valid 3x3 convolution, five (or seven) padded separable convolutions with
    /// max pooling, each followed by face-api's leaky activation, and a 1x1 output convolution.
    /// </summary>
    private sealed class TinyFaceDetectorGraph(IReadOnlyList<TfWeightGroup> groups) : GraphWriter(groups)
    {
        public TfjsModelFile Build()
        {
            var x = Placeholder("input", [1, 416, 416, 3]);
            x = Node("Sub", "normalize/mean", x, Constant("mean_rgb", TfTensor.Float([3], [117.001f, 114.697f, 97.404f])));
            x = Node("RealDiv", "normalize/div", x, Constant("scale_255", TfTensor.Float([], [255f])));
            x = Leaky("conv0", Node("Add", "conv0/add", Conv("conv0/conv", x, Weight("conv0/filters")), Weight("conv0/bias")));
            x = Pool("pool0", x, 2);
            for (var i = 1; i <= 7; i++)
            {
                if (!HasWeight($"conv{i}/bias"))
                    continue;
                x = Separable($"conv{i}", x);
                if (i <= 5)
                    x = Pool($"pool{i}", x, i == 5 ? 1 : 2);
            }
            return Model("face-api TinyFaceDetector", Node("Add", "output", Conv("conv8/conv", x, Weight("conv8/filters")), Weight("conv8/bias")));
        }

        private string Separable(string name, string x)
        {
            var padded = Node("Pad", name + "/pad", x, Constant(name + "/paddings", TfTensor.Integer([4, 2], [0, 0, 1, 1, 1, 1, 0, 0], TfDataType.Int32)));
            var depthwise = Node("DepthwiseConv2dNative", name + "/depthwise", [padded, Weight(name + "/depthwise_filter")], Strides(1), Padding("VALID"));
            var pointwise = Conv(name + "/pointwise", depthwise, Weight(name + "/pointwise_filter"));
            return Leaky(name, Node("Add", name + "/add", pointwise, Weight(name + "/bias")));
        }

        // face-api's leaky: relu(x - 0.1x) + 0.1x, spelled out so the rounding matches.
        private string Leaky(string name, string x)
        {
            var min = Node("Mul", name + "/leaky/min", x, Constant(name + "/leaky/alpha", TfTensor.Float([], [0.10000000149011612f])));
            var relu = Node("Relu", name + "/leaky/relu", [Node("Sub", name + "/leaky/sub", x, min)]);
            return Node("Add", name + "/leaky", relu, min);
        }

        private string Conv(string name, string x, string filter) =>
            Node("Conv2D", name, [x, filter], Strides(1), Padding("VALID"));

        private string Pool(string name, string x, int stride) =>
            Node("MaxPool", name, [x], ("ksize", Ints(1, 2, 2, 1)), ("strides", Ints(1, stride, stride, 1)), Padding("SAME"));
    }

    /// <summary>
    /// face-api's FaceRecognitionNet: a ResNet-34-like network (convolutions with a per-channel scale
    /// layer, residual blocks, down-sampling blocks whose shortcut is average-pooled and zero-padded),
    /// global average pooling and a 256x128 projection: the 128-d face descriptor.
    /// </summary>
    private sealed class FaceRecognitionGraph(IReadOnlyList<TfWeightGroup> groups) : GraphWriter(groups)
    {
        // Spatial size and channels of the current tensor, to know where face-api pads the shortcut.
        private long _size = 150, _channels = 3;

        public TfjsModelFile Build()
        {
            var x = NormalizedInput(150, [122.782f, 117.001f, 104.298f]);
            x = ConvLayer("conv32_down", x, 2, relu: true, same: false);
            x = Node("MaxPool", "pool", [x], ("ksize", Ints(1, 3, 3, 1)), Strides(2), Padding("VALID"));
            _size = (_size - 3) / 2 + 1;
            foreach (var block in new[] { "conv32_1", "conv32_2", "conv32_3", "conv64_down", "conv64_1", "conv64_2", "conv64_3",
                "conv128_down", "conv128_1", "conv128_2", "conv256_down", "conv256_1", "conv256_2", "conv256_down_out" })
                x = block.EndsWith("down", StringComparison.Ordinal) || block.EndsWith("down_out", StringComparison.Ordinal) ? ResidualDown(block, x) : Residual(block, x);
            var average = Node("Mean", "global_average", [x, Constant("global_average/axes", TfTensor.Integer([2], [1, 2], TfDataType.Int32))], ("keep_dims", Bool(false)));
            return Model("face-api FaceRecognitionNet", Node("MatMul", "output", average, Weight("fc")));
        }

        private string Residual(string name, string x)
        {
            var out1 = ConvLayer(name + "/conv1", x, 1, relu: true, same: true);
            var out2 = ConvLayer(name + "/conv2", out1, 1, relu: false, same: true);
            return Node("Relu", name, [Node("Add", name + "/sum", out2, x)]);
        }

        private string ResidualDown(string name, string x)
        {
            var (inSize, inChannels) = (_size, _channels);
            var out1 = ConvLayer(name + "/conv1", x, 2, relu: true, same: false);
            var out2 = ConvLayer(name + "/conv2", out1, 1, relu: false, same: true);
            var pooled = Node("AvgPool", name + "/shortcut", [x], ("ksize", Ints(1, 2, 2, 1)), Strides(2), Padding("VALID"));
            var pooledSize = (inSize - 2) / 2 + 1;
            if (pooledSize != _size)
            {
                // face-api appends a zero row and column to the convolution branch.
                var grow = pooledSize - _size;
                out2 = Node("Pad", name + "/grow", out2, Constant(name + "/grow/paddings", TfTensor.Integer([4, 2], [0, 0, 0, grow, 0, grow, 0, 0], TfDataType.Int32)));
                _size = pooledSize;
            }
            if (inChannels != _channels)
                pooled = Node("Pad", name + "/widen", pooled, Constant(name + "/widen/paddings", TfTensor.Integer([4, 2], [0, 0, 0, 0, 0, 0, 0, _channels - inChannels], TfDataType.Int32)));
            return Node("Relu", name, [Node("Add", name + "/sum", pooled, out2)]);
        }

        private string ConvLayer(string name, string x, int stride, bool relu, bool same)
        {
            var filter = ShapeOf(name + "/conv/filters");
            var conv = Node("Conv2D", name + "/conv", [x, Weight(name + "/conv/filters")], Strides(stride), Padding(same ? "SAME" : "VALID"));
            _size = same ? (_size + stride - 1) / stride : (_size - filter[0]) / stride + 1;
            _channels = filter[3];
            var biased = Node("Add", name + "/bias", conv, Weight(name + "/conv/bias"));
            var scaled = Node("Add", name + "/scale", Node("Mul", name + "/scale/mul", biased, Weight(name + "/scale/weights")), Weight(name + "/scale/biases"));
            return relu ? Node("Relu", name, [scaled]) : scaled;
        }
    }

    /// <summary>
    /// face-api's SsdMobilenetv1 up to its decoded boxes and face scores (before non-maximum suppression,
    /// which face-api runs in JavaScript): MobileNetV1 with ReLU6, six box predictors, anchor decoding.
    /// face-api folds the batch into its anchor arithmetic, so this graph keeps batch 1 and, like
    /// face-api's forwardInput, returns the first item's boxes [5118, 4] and scores [5118].
    /// </summary>
    private sealed class SsdMobilenetV1Graph(IReadOnlyList<TfWeightGroup> groups) : GraphWriter(groups)
    {
        public TfjsModelFile Build()
        {
            var x = Placeholder("input", [1, 512, 512, 3]);
            x = Node("Sub", "normalize/sub", Node("RealDiv", "normalize/div", x, Constant("c127_5", TfTensor.Float([], [127.5f]))), Constant("c1", TfTensor.Float([], [1f])));
            x = Pointwise("MobilenetV1/Conv2d_0_pointwise", x, 2);
            string? conv11 = null;
            for (var i = 1; i <= 13; i++)
            {
                x = Depthwise($"MobilenetV1/Conv2d_{i}_depthwise", x, i is 2 or 4 or 6 or 12 ? 2 : 1);
                x = Pointwise($"MobilenetV1/Conv2d_{i}_pointwise", x, 1);
                if (i == 11) conv11 = x;
            }
            var features = new List<string> { conv11!, x };
            var p = x;
            for (var k = 0; k < 8; k++)
            {
                p = Pointwise($"Prediction/Conv2d_{k}_pointwise", p, k % 2 == 1 ? 2 : 1);
                if (k % 2 == 1) features.Add(p);
            }
            var boxes = new List<string>();
            var classes = new List<string>();
            for (var i = 0; i < features.Count; i++)
            {
                var prefix = $"Prediction/BoxPredictor_{i}";
                boxes.Add(Node("Reshape", prefix + "/boxes", ConvBias(prefix + "/BoxEncodingPredictor", features[i]), Constant(prefix + "/boxes/shape", TfTensor.Integer([4], [1, -1, 1, 4], TfDataType.Int32))));
                classes.Add(Node("Reshape", prefix + "/classes", ConvBias(prefix + "/ClassPredictor", features[i]), Constant(prefix + "/classes/shape", TfTensor.Integer([3], [1, -1, 3], TfDataType.Int32))));
            }
            var boxPredictions = Node("ConcatV2", "box_predictions", [.. boxes, Constant("concat_axis_b", TfTensor.Integer([], [1], TfDataType.Int32))]);
            var classPredictions = Node("ConcatV2", "class_predictions", [.. classes, Constant("concat_axis_c", TfTensor.Integer([], [1], TfDataType.Int32))]);

            var anchors = Node("Reshape", "anchors", Weight("Output/extra_dim"), Constant("rows4", TfTensor.Integer([2], [-1, 4], TfDataType.Int32)));
            var encodings = Node("Reshape", "encodings", boxPredictions, Constant("rows4b", TfTensor.Integer([2], [-1, 4], TfDataType.Int32)));
            var decoded = Decode(anchors, encodings);
            var outBoxes = Node("Reshape", "boxes", decoded, Constant("boxes/shape", TfTensor.Integer([2], [-1, 4], TfDataType.Int32)));
            var faceLogits = Node("StridedSlice", "face_logits",
                [classPredictions, Constant("slice/begin", TfTensor.Integer([3], [0, 0, 1], TfDataType.Int32)),
                 Constant("slice/end", TfTensor.Integer([3], [0, 0, 2], TfDataType.Int32)), Constant("slice/strides", TfTensor.Integer([3], [1, 1, 1], TfDataType.Int32))],
                ("begin_mask", Int(3)), ("end_mask", Int(3)));
            var scores = Node("Reshape", "scores", Node("Sigmoid", "face_scores", [faceLogits]), Constant("scores/shape", TfTensor.Integer([1], [-1], TfDataType.Int32)));
            return Model("face-api SsdMobilenetv1", outBoxes, scores) with { KeepBatchOne = true };
        }

        // face-api's decodeBoxesLayer, with its operation order.
        private string Decode(string anchors, string encodings)
        {
            string Column(string t, int i, string name) =>
                Node("GatherV2", name, [t, Constant(name + "/index", TfTensor.Integer([], [i], TfDataType.Int32)), Constant(name + "/axis", TfTensor.Integer([], [1], TfDataType.Int32))]);
            var a = Enumerable.Range(0, 4).Select(i => Column(anchors, i, $"anchor{i}")).ToArray();
            var e = Enumerable.Range(0, 4).Select(i => Column(encodings, i, $"encoding{i}")).ToArray();
            var two = Constant("c2", TfTensor.Float([], [2f]));
            var five = Constant("c5", TfTensor.Float([], [5f]));
            var ten = Constant("c10", TfTensor.Float([], [10f]));
            var size0 = Node("Sub", "size0", a[2], a[0]);
            var size1 = Node("Sub", "size1", a[3], a[1]);
            var center0 = Node("AddV2", "center0", a[0], Node("RealDiv", "half_size0", size0, two));
            var center1 = Node("AddV2", "center1", a[1], Node("RealDiv", "half_size1", size1, two));
            var div0 = Node("RealDiv", "div0", Node("Mul", "mul0", Node("Exp", "exp0", [Node("RealDiv", "e2_5", e[2], five)]), size0), two);
            var add0 = Node("AddV2", "add0", Node("Mul", "mul0b", Node("RealDiv", "e0_10", e[0], ten), size0), center0);
            var div1 = Node("RealDiv", "div1", Node("Mul", "mul1", Node("Exp", "exp1", [Node("RealDiv", "e3_5", e[3], five)]), size1), two);
            var add1 = Node("AddV2", "add1", Node("Mul", "mul1b", Node("RealDiv", "e1_10", e[1], ten), size1), center1);
            return Node("Pack", "decoded", [Node("Sub", "y0", add0, div0), Node("Sub", "x0", add1, div1), Node("AddV2", "y1", add0, div0), Node("AddV2", "x1", add1, div1)], ("axis", Int(1)));
        }

        private string Pointwise(string name, string x, int stride)
        {
            var conv = Node("Conv2D", name + "/conv", [x, Weight(name + "/weights")], Strides(stride), Padding("SAME"));
            return Node("Relu6", name, [Node("AddV2", name + "/offset", conv, Weight(name + "/convolution_bn_offset"))]);
        }

        private string Depthwise(string name, string x, int stride)
        {
            var conv = Node("DepthwiseConv2dNative", name + "/conv", [x, Weight(name + "/depthwise_weights")], Strides(stride), Padding("SAME"));
            var norm = Node("FusedBatchNormV3", name + "/bn",
                [conv, Weight(name + "/BatchNorm/gamma"), Weight(name + "/BatchNorm/beta"), Weight(name + "/BatchNorm/moving_mean"), Weight(name + "/BatchNorm/moving_variance")],
                ("epsilon", JsonSerializer.SerializeToElement(new { f = 0.0010000000474974513f })));
            return Node("Relu6", name, [norm]);
        }

        private string ConvBias(string name, string x) =>
            Node("AddV2", name, Node("Conv2D", name + "/conv", [x, Weight(name + "/weights")], Strides(1), Padding("SAME")), Weight(name + "/biases"));
    }

    /// <summary>Writes TensorFlow nodes whose constants are the manifest's weights (by name) or inline values.</summary>
    private abstract class GraphWriter(IReadOnlyList<TfWeightGroup> groups)
    {
        private readonly List<TfNode> _nodes = [];
        private readonly Dictionary<string, TfTensor> _constants = new(StringComparer.Ordinal);
        private readonly HashSet<string> _weights = groups.SelectMany(g => g.Weights).Select(w => w.Name).ToHashSet(StringComparer.Ordinal);

        protected long[] ShapeOf(string weight) =>
            groups.SelectMany(g => g.Weights).FirstOrDefault(w => w.Name == weight)?.Shape
            ?? throw new TfjsImportException(TfjsImportErrorKind.BadWeights, $"the network needs weight '{weight}', which the manifest does not list");

        protected static JsonElement Bool(bool value) => JsonSerializer.SerializeToElement(new { b = value });

        protected static JsonElement Int(long value) => JsonSerializer.SerializeToElement(new { i = value.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        protected bool HasWeight(string name) => _weights.Contains(name);

        protected TfjsModelFile Model(string generatedBy, params string[] outputs) =>
            new("face-api", generatedBy, null, _nodes, groups, outputs, _constants);

        /// <summary>The 0-255 RGB input with face-api's mean colour subtracted, divided by 255.</summary>
        protected string NormalizedInput(int size, float[] meanRgb)
        {
            var x = Placeholder("input", [1, size, size, 3]);
            x = Node("Sub", "normalize/mean", x, Constant("mean_rgb", TfTensor.Float([3], meanRgb)));
            return Node("RealDiv", "normalize/div", x, Constant("scale_255", TfTensor.Float([], [255f])));
        }

        /// <summary>face-api's separable convolution: depthwise (SAME) then pointwise, plus bias.</summary>
        protected string SeparableSame(string name, string x, int stride)
        {
            var depthwise = Node("DepthwiseConv2dNative", name + "/depthwise", [x, Weight(name + "/depthwise_filter")], Strides(stride), Padding("SAME"));
            var pointwise = Node("Conv2D", name + "/pointwise", [depthwise, Weight(name + "/pointwise_filter")], Strides(1), Padding("VALID"));
            return Node("Add", name, pointwise, Weight(name + "/bias"));
        }

        protected string Flatten(string x) =>
            Node("Reshape", x + "/flatten", x, Constant(x + "/flatten/shape", TfTensor.Integer([2], [1, -1], TfDataType.Int32)));

        protected string FullyConnected(string name, string x) =>
            Node("Add", name, Node("MatMul", name + "/matmul", x, Weight(name + "/weights")), Weight(name + "/bias"));

        protected string Placeholder(string name, long[] shape)
        {
            _nodes.Add(new TfNode(name, "Placeholder", [], new Dictionary<string, JsonElement>
            {
                ["shape"] = JsonSerializer.SerializeToElement(new { shape = new { dim = shape.Select(d => new { size = d.ToString(System.Globalization.CultureInfo.InvariantCulture) }) } }),
                ["dtype"] = JsonSerializer.SerializeToElement(new { type = "DT_FLOAT" }),
            }));
            return name;
        }

        protected string Weight(string name)
        {
            if (!_weights.Contains(name))
                throw new TfjsImportException(TfjsImportErrorKind.BadWeights, $"the network needs weight '{name}', which the manifest does not list");
            if (!_nodes.Any(n => n.Name == name))
                _nodes.Add(new TfNode(name, "Const", [], new Dictionary<string, JsonElement>()));
            return name;
        }

        protected string Constant(string name, TfTensor value)
        {
            _constants[name] = value;
            _nodes.Add(new TfNode(name, "Const", [], new Dictionary<string, JsonElement>()));
            return name;
        }

        protected string Node(string op, string name, string a, string b) => Node(op, name, [a, b]);

        protected string Node(string op, string name, string[] inputs, params (string Key, JsonElement Value)[] attributes)
        {
            _nodes.Add(new TfNode(name, op, inputs, attributes.ToDictionary(a => a.Key, a => a.Value)));
            return name;
        }

        protected static (string, JsonElement) Strides(int s) => ("strides", Ints(1, s, s, 1));

        protected static (string, JsonElement) Padding(string p) =>
            ("padding", JsonSerializer.SerializeToElement(new { s = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(p)) }));

        protected static JsonElement Ints(params long[] values) =>
            JsonSerializer.SerializeToElement(new { list = new { i = values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)) } });
    }
}
