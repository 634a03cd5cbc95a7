using Sightline.Faces.Descriptors;
using Sightline.Imaging.Tensors;

namespace Sightline.Faces.Tests.Descriptors;

public sealed class FaceApiDescriberTests
{
    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(255, 255, 255)]
    [InlineData(200, 40, 123)]
    public void The_graph_sees_dlibs_input_values_pixel_minus_mean_over_256(byte red, byte green, byte blue)
    {
        float[] mean = [122.782f, 117.001f, 104.298f];
        var values = new float[3];

        TensorWriter.Write([red, green, blue, 255], 1, 1, values, FaceApiDescriber.DlibInput);

        // The converted graph subtracts face-api's mean and divides by 255.
        byte[] pixel = [red, green, blue];
        for (var c = 0; c < 3; c++)
            Assert.Equal((pixel[c] - mean[c]) / 256, (values[c] - mean[c]) / 255, 5);
    }
}
