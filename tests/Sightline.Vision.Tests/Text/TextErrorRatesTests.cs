using Sightline.Vision.Text;

namespace Sightline.Vision.Tests.Text;

public sealed class TextErrorRatesTests
{
    [Fact]
    public void Edits_count_insertions_deletions_and_substitutions()
    {
        var errors = TextErrorRates.Measure("lime we  have", "time we have\n");
        Assert.Equal(1, errors.CharEdits);
        Assert.Equal(12, errors.Chars);
        Assert.Equal(1, errors.WordEdits);
        Assert.Equal(3, errors.Words);
        Assert.Equal(1.0 / 12, errors.CharErrorRate, 6);
    }

    [Fact]
    public void Word_normalisation_ignores_case_and_punctuation_but_not_letters()
    {
        Assert.Equal(0, TextErrorRates.Measure("Genera! TERMS:", "general terms", TextNormalization.Words).CharEdits - 1);
        Assert.Equal(0, TextErrorRates.Measure("“Divide and conquer”", "divide and conquer", TextNormalization.Words).CharEdits);
        Assert.NotEqual(0, TextErrorRates.Measure("“Divide and conquer”", "divide and conquer").CharEdits);
    }

    [Fact]
    public void Nothing_read_of_some_truth_is_all_wrong_and_nothing_of_nothing_is_right()
    {
        Assert.Equal(1, TextErrorRates.Measure("", "HOTEL").CharErrorRate);
        Assert.Equal(0, TextErrorRates.Measure("", "").CharErrorRate);
        Assert.Equal(1, TextErrorRates.Measure("x", "").CharErrorRate);
    }

    [Fact]
    public void Characters_outside_the_basic_plane_count_once()
    {
        Assert.Equal(1, TextErrorRates.Measure("𠀀b", "ab").CharEdits);
    }
}
