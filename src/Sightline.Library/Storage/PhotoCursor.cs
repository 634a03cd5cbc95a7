using System.Globalization;

namespace Sightline.Library.Storage;

/// <summary>
/// The position after the last row of a page: the order it belongs to, whether it is among the dated or the undated
/// photos, the sort key and the id (the tie breaker). Written as text "order:phase:key:id" so a cursor of one order
/// is refused by another.
/// </summary>
internal readonly record struct PhotoCursor(PhotoOrder Order, bool Undated, long Key, long Id)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)Order}:{(Undated ? 'u' : 'd')}:{Key}:{Id}");

    public static PhotoCursor Parse(string text, PhotoOrder order)
    {
        var parts = text.Split(':');
        if (parts.Length != 4
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var orderNumber)
            || parts[1] is not ("u" or "d")
            || !long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var key)
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            throw new ArgumentException($"cursor \"{text}\" is not a cursor of a photo page", "query");
        if (orderNumber != (int)order)
            throw new ArgumentException($"cursor \"{text}\" belongs to another order than {order}", "query");
        return new PhotoCursor(order, parts[1] == "u", key, id);
    }
}
