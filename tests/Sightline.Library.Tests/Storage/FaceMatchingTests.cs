using Sightline.Library.Storage;
using Box = Sightline.Library.Storage.FaceMatching.Box;

namespace Sightline.Library.Tests.Storage;

public sealed class FaceMatchingTests
{
    [Fact]
    public void Faces_pair_by_largest_overlap_each_once_and_far_boxes_stay_unpaired()
    {
        Box[] previous = [new(0, 0, 0, 100, 100), new(1, 200, 0, 100, 100), new(2, 500, 500, 50, 50)];
        // The new analysis lists the faces in another order, moved a little; one is new, one is gone.
        Box[] current = [new(0, 205, 3, 100, 100), new(1, 4, -2, 98, 104), new(2, 900, 900, 80, 80)];

        Assert.Equal([(0, 1), (1, 0)], FaceMatching.Match(previous, current).OrderBy(p => p.Previous));
    }

    [Fact]
    public void Two_new_faces_over_one_old_one_give_it_to_the_nearer_and_ties_go_to_the_smaller_index()
    {
        Box[] previous = [new(0, 0, 0, 100, 100)];
        Assert.Equal([(0, 1)], FaceMatching.Match(previous, [new(0, 30, 0, 100, 100), new(1, 10, 0, 100, 100)]));
        Assert.Equal([(0, 0)], FaceMatching.Match(previous, [new(0, 10, 0, 100, 100), new(1, -10, 0, 100, 100)]));
    }

    [Fact]
    public void Iou_is_one_for_equal_boxes_zero_apart_and_half_overlap_is_a_third()
    {
        Assert.Equal(1f, FaceMatching.Iou(new(0, 0, 0, 10, 10), new(0, 0, 0, 10, 10)));
        Assert.Equal(0f, FaceMatching.Iou(new(0, 0, 0, 10, 10), new(0, 10, 0, 10, 10)));
        Assert.Equal(1f / 3, FaceMatching.Iou(new(0, 0, 0, 10, 10), new(0, 5, 0, 10, 10)), 5);
        Assert.Equal(0f, FaceMatching.Iou(new(0, 0, 0, 0, 10), new(0, 0, 0, 0, 10)));
    }
}
