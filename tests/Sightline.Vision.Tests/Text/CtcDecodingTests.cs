using Sightline.Vision.Text;

namespace Sightline.Vision.Tests.Text;

public sealed class CtcDecodingTests
{
    private static readonly CharacterSet Alphabet = new(["a", "b", "c"]);

    // One row per step: the probability of each class (blank, a, b, c, space) made peaked at the given class.
    private static float[] Steps(params (int Class, float P)[] steps)
    {
        var values = new float[steps.Length * Alphabet.ClassCount];
        for (var t = 0; t < steps.Length; t++)
        {
            for (var c = 0; c < Alphabet.ClassCount; c++)
                values[t * Alphabet.ClassCount + c] = (1 - steps[t].P) / (Alphabet.ClassCount - 1);
            values[t * Alphabet.ClassCount + steps[t].Class] = steps[t].P;
        }
        return values;
    }

    [Fact]
    public void Repeats_collapse_and_the_blank_separates_doubled_letters()
    {
        var probabilities = Steps((1, 0.9f), (1, 0.8f), (0, 0.9f), (1, 0.7f), (2, 0.95f), (2, 0.6f), (0, 0.99f));
        var text = CtcDecoding.Decode(probabilities, 7, Alphabet.ClassCount, Alphabet);
        Assert.Equal("aab", text.Text);
        Assert.Equal([0.9f, 0.7f, 0.95f], text.Characters.Select(c => c.Confidence));
        Assert.Equal((0.9f + 0.7f + 0.95f) / 3, text.Confidence, 5);
    }

    [Fact]
    public void Spaces_at_the_ends_go_and_runs_of_spaces_read_as_one()
    {
        var probabilities = Steps((4, 0.9f), (1, 0.9f), (4, 0.9f), (0, 0.9f), (4, 0.9f), (3, 0.9f), (4, 0.9f));
        Assert.Equal("a c", CtcDecoding.Decode(probabilities, 7, Alphabet.ClassCount, Alphabet).Text);
    }

    [Fact]
    public void Only_blanks_read_as_no_text()
    {
        var text = CtcDecoding.Decode(Steps((0, 0.9f), (0, 0.8f)), 2, Alphabet.ClassCount, Alphabet);
        Assert.Equal("", text.Text);
        Assert.Empty(text.Characters);
    }

    [Fact]
    public void A_recogniser_whose_classes_do_not_match_the_character_list_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => CtcDecoding.Decode(new float[12], 2, 6, Alphabet));
        Assert.Contains("5", error.Message);
    }

    [Fact]
    public void The_character_list_puts_the_blank_first_and_the_space_last()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "x\r\ny\n中\n");
            var set = CharacterSet.Load(path);
            Assert.Equal(5, set.ClassCount);
            Assert.Equal(["", "x", "y", "中", " "], Enumerable.Range(0, 5).Select(i => set[i]));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
