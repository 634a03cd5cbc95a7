namespace Sightline.Library.Search;

/// <summary>
/// The short query language of <c>sightline library search</c>, the API's <c>?q=</c> and the web app's search box:
/// <c>person:Amy person:Raj emotion:happy after:2024-01 object:dog</c>. <see cref="Parse"/> refuses a malformed query
/// with a <see cref="SearchQueryException"/> naming the term, its position and what was expected; <see cref="Format"/>
/// writes a search back as text that parses to the same search.
/// </summary>
public static class SearchQueryLanguage
{
    public static PhotoSearch Parse(string query) => throw new NotImplementedException();

    public static string Format(PhotoSearch search) => throw new NotImplementedException();
}
