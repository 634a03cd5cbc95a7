using Sightline.Library.Search;

namespace Sightline.Library.Tests.Search;

public class SearchWordsTests
{
    [Fact]
    public void Words_are_runs_of_letters_and_digits_lower_cased_with_accents_folded_each_once()
    {
        Assert.Equal(["cafe", "creme", "42", "50", "strasse", "oeuvre"], SearchWords.Of("Café-Crème 42.50, CAFÉ Straße Œuvre"));
    }

    [Fact]
    public void Decomposed_accents_as_macos_file_names_have_them_fold_the_same()
    {
        Assert.Equal(SearchWords.Of("Café Zoë"), SearchWords.Of("Cafe\u0301 Zoe\u0308"));
    }

    [Fact]
    public void A_run_longer_than_a_word_is_cut_and_empty_text_has_no_words()
    {
        var hash = new string('a', 64);
        Assert.Equal([new string('a', SearchWords.MaxWordLength)], SearchWords.Of(hash));
        Assert.Empty(SearchWords.Of("  -- ... "));
        Assert.Empty(SearchWords.Of(null));
    }

    [Fact]
    public void The_prefix_bound_is_the_first_string_after_every_word_starting_with_the_prefix()
    {
        var bound = SearchWords.PrefixBound("dog");
        Assert.Equal("doh", bound);
        Assert.True(string.CompareOrdinal("dogzzzz", bound) < 0);
        Assert.True(string.CompareOrdinal("dog", bound) < 0);
        Assert.True(string.CompareOrdinal("doh", bound) >= 0);
    }
}
