using Sightline.Video.Tracking;
using Sightline.Vision.Detection;

namespace Sightline.Video.Tests.Tracking;

public class KalmanBoxFilterTests
{
    [Fact]
    public void A_new_state_holds_the_box_and_no_motion()
    {
        var box = new BoundingBox(10, 20, 30, 60);
        var state = KalmanBoxFilter.Initiate(box);
        Assert.Equal(box.X, state.Box.X, 3);
        Assert.Equal(box.Height, state.Box.Height, 3);
        Assert.All(state.Mean[4..], v => Assert.Equal(0, v));
    }

    [Fact]
    public void Learns_a_constant_velocity_and_predicts_the_next_box()
    {
        var state = KalmanBoxFilter.Initiate(new BoundingBox(0, 0, 20, 40));
        for (var step = 1; step <= 20; step++)
        {
            KalmanBoxFilter.Predict(state);
            KalmanBoxFilter.Update(state, new BoundingBox(5 * step, 2 * step, 20, 40));
        }
        KalmanBoxFilter.Predict(state);
        // The box has moved 5 px right and 2 px down per step; after 20 steps the velocity is learnt.
        Assert.Equal(105, state.Box.X, 0.5);
        Assert.Equal(42, state.Box.Y, 0.5);
        Assert.Equal(5, state.Mean[4], 0.2);
        Assert.Equal(2, state.Mean[5], 0.2);
    }

    [Fact]
    public void Prediction_widens_the_uncertainty_and_a_measurement_narrows_it()
    {
        var state = KalmanBoxFilter.Initiate(new BoundingBox(0, 0, 20, 40));
        var before = state.Covariance[0];
        KalmanBoxFilter.Predict(state);
        var predicted = state.Covariance[0];
        KalmanBoxFilter.Update(state, new BoundingBox(0, 0, 20, 40));
        Assert.True(predicted > before);
        Assert.True(state.Covariance[0] < predicted);
        // The covariance stays symmetric.
        for (var i = 0; i < 8; i++)
            for (var j = 0; j < 8; j++)
                Assert.Equal(state.Covariance[i * 8 + j], state.Covariance[j * 8 + i], 9);
    }

    [Fact]
    public void Inverts_a_4x4_matrix()
    {
        double[] a = [4, 1, 0, 0, 1, 3, 1, 0, 0, 1, 2, 0.5, 0, 0, 0.5, 1];
        var inverse = KalmanBoxFilter.Invert4(a);
        for (var i = 0; i < 4; i++)
            for (var j = 0; j < 4; j++)
            {
                double sum = 0;
                for (var k = 0; k < 4; k++)
                    sum += a[i * 4 + k] * inverse[k * 4 + j];
                Assert.Equal(i == j ? 1 : 0, sum, 9);
            }
    }
}
