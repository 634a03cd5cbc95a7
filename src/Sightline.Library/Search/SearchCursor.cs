using System.Globalization;

namespace Sightline.Library.Search;

/// <summary>
/// The position after the last hit of a search page. Date orders page by keyset (phase 'd' among the dated photos,
/// 'u' among the undated ones that follow, with the sort key and the id); relevance and similarity by offset (phase
/// 'o', the key is the offset). Written as text "s{order}:{phase}:{key}:{id}" so that a cursor of one order, or a cursor
/// of a photo page, is refused by another.
/// </summary>
internal readonly record struct SearchCursor(SearchOrder Order, char Phase, long Key, long Id)
{
    public const char Dated = 'd';
    public const char Undated = 'u';
    public const char Offset = 'o';

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"s{(int)Order}:{Phase}:{Key}:{Id}");

    public static SearchCursor Parse(string text, SearchOrder order)
    {
        var parts = text.Split(':');
        if (parts.Length != 4 || parts[0].Length < 2 || parts[0][0] != 's'
            || !int.TryParse(parts[0].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var orderNumber)
            || parts[1] is not ("d" or "u" or "o")
            || !long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var key)
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            throw new ArgumentException($"cursor \"{text}\" is not a cursor of a search page", "page");
        if (orderNumber != (int)order)
            throw new ArgumentException($"cursor \"{text}\" belongs to another order than {order}", "page");
        var phase = parts[1][0];
        if ((phase == Offset) != IsOffsetOrder(order) || (phase == Offset && key < 0))
            throw new ArgumentException($"cursor \"{text}\" is not a cursor of a search page", "page");
        return new SearchCursor(order, phase, key, id);
    }

    /// <summary>Relevance and similarity are not keys of a row: they page by offset.</summary>
    public static bool IsOffsetOrder(SearchOrder order) => order is SearchOrder.Relevance or SearchOrder.Similarity;
}
