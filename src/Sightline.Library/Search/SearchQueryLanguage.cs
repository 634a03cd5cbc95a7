using System.Globalization;
using System.Text;

namespace Sightline.Library.Search;

/// <summary>
/// The short query language of <c>sightline library search</c>, the API's <c>?q=</c> and the web app's search box:
/// <c>person:Amy person:Raj emotion:happy after:2024-01 object:dog</c>. <see cref="Parse"/> refuses a malformed query
/// with a <see cref="SearchQueryException"/> naming the term, its position and what was expected; <see cref="Format"/>
/// writes a search back as text that parses to the same search.
/// </summary>
/// <remarks>
/// Terms are separated by white space. A term is <c>key:value</c>, or a bare word or a quoted phrase (text to find).
/// Double quotes may wrap any part of a value (<c>person:"Mary Ann"</c>, <c>emotion:"Mary Ann"=happy</c>); inside
/// them <c>\"</c> is a quote and <c>\\</c> a backslash, and the characters <c>, = &gt;= #</c> lose their meaning.
/// </remarks>
public static class SearchQueryLanguage
{
    /// <summary>Every key, in the order <see cref="Format"/> writes them.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "person", "any", "only", "emotion", "object", "text", "after", "before", "camera", "near", "box",
        "kind", "similar", "faces", "review", "moderation", "sort",
    ];

    /// <summary>The expressions a face can show (what the faces analysis names them).</summary>
    public static IReadOnlyList<string> EmotionNames => Faces.Attributes.Emotions.Labels;

    public static IReadOnlyList<string> ModerationVerdicts { get; } = ["safe", "sensitive"];

    /// <summary>The words of sort: and the order each means.</summary>
    public static IReadOnlyList<(string Word, SearchOrder Order)> Orders { get; } =
    [
        ("date", SearchOrder.TakenDescending), ("date-asc", SearchOrder.TakenAscending), ("added", SearchOrder.AddedDescending),
        ("relevance", SearchOrder.Relevance), ("similarity", SearchOrder.Similarity),
    ];

    /// <summary>The largest radius of near: (half the earth's circumference).</summary>
    public const double MaxRadiusKm = 20_037.5;

    /// <summary>The search a query asks for; a malformed one is a <see cref="SearchQueryException"/> with the position of its fault.</summary>
    public static PhotoSearch Parse(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return new Parser(query).Run();
    }

    /// <summary>
    /// The canonical text of a search: keys in the order of <see cref="Keys"/>, values quoted only where they must be.
    /// <see cref="Parse"/> of it gives back an equal search. A search no query can express (an empty name, a score
    /// out of range) is an <see cref="ArgumentException"/>.
    /// </summary>
    public static string Format(PhotoSearch search)
    {
        ArgumentNullException.ThrowIfNull(search);
        var terms = new List<string>();
        if (search.People.Count > 0)
        {
            switch (search.PeopleMatch)
            {
                case PeopleMatch.AllOf:
                    terms.AddRange(search.People.Select(p => "person:" + PersonText(p)));
                    break;
                case PeopleMatch.AnyOf:
                    terms.Add("any:" + string.Join(',', search.People.Select(PersonText)));
                    break;
                case PeopleMatch.Only:
                    terms.Add("only:" + string.Join(',', search.People.Select(PersonText)));
                    break;
                default:
                    throw new ArgumentException($"no query expresses the people match {search.PeopleMatch}", nameof(search));
            }
        }
        foreach (var emotion in search.Emotions)
        {
            var name = emotion.Emotion.ToLowerInvariant();
            if (!EmotionNames.Contains(name))
                throw new ArgumentException($"'{emotion.Emotion}' is not an emotion ({string.Join(", ", EmotionNames)})", nameof(search));
            if (!(emotion.MinScore is >= 0f and <= 1f))
                throw new ArgumentException($"the minimum score of emotion {name} must be between 0 and 1 (got {emotion.MinScore})", nameof(search));
            terms.Add("emotion:" + (emotion.Person is { } person ? PersonText(person) + "=" : "") + name
                + (emotion.MinScore > 0f ? ">=" + emotion.MinScore.ToString("R", CultureInfo.InvariantCulture) : ""));
        }
        foreach (var o in search.Objects)
        {
            if (string.IsNullOrWhiteSpace(o.Label))
                throw new ArgumentException("an object filter has no class", nameof(search));
            if (o.MinCount < 1)
                throw new ArgumentException($"the minimum count of object {o.Label} must be at least 1 (got {o.MinCount})", nameof(search));
            terms.Add("object:" + Quote(o.Label, ">") + (o.MinCount > 1 ? ">=" + o.MinCount.ToString(CultureInfo.InvariantCulture) : ""));
        }
        foreach (var word in search.Text)
        {
            if (string.IsNullOrWhiteSpace(word))
                throw new ArgumentException("a text term is empty", nameof(search));
            // A bare word must not read as a key: anything with a colon or a quote is written as a phrase.
            terms.Add(NeedsQuotes(word, ":") ? QuoteAlways(word) : word);
        }
        if (search.TakenFrom is { } from)
            terms.Add("after:" + DateText(from));
        if (search.TakenBefore is { } before)
            terms.Add("before:" + DateText(before));
        if (search.TakenFrom is { } f && search.TakenBefore is { } b && f >= b)
            throw new ArgumentException($"the date range is empty: from {DateText(f)} to before {DateText(b)}", nameof(search));
        if (search.Camera is { } camera)
        {
            if (string.IsNullOrWhiteSpace(camera))
                throw new ArgumentException("the camera filter is empty", nameof(search));
            terms.Add("camera:" + Quote(camera, ""));
        }
        if (search.Place is { } place)
        {
            CheckPlace(place);
            terms.Add(place.IsBox
                ? $"box:{Number(place.Latitude)},{Number(place.Longitude)},{Number(place.ToLatitude!.Value)},{Number(place.ToLongitude!.Value)}"
                : $"near:{Number(place.Latitude)},{Number(place.Longitude)},{Number(place.RadiusKm!.Value)}km");
        }
        if (search.Kind is { } kind)
            terms.Add("kind:" + (kind == MediaKind.Video ? "video" : "photo"));
        if (search.SimilarTo is { } similar)
        {
            if (similar < 1)
                throw new ArgumentException($"similar-to names no photo id (got {similar})", nameof(search));
            terms.Add("similar:#" + similar.ToString(CultureInfo.InvariantCulture));
        }
        if (search.Faces != FacePresence.Any)
            terms.Add("faces:" + (search.Faces == FacePresence.None ? "none" : "some"));
        if (search.NeedsReview)
            terms.Add("review:yes");
        if (search.Moderation is { } moderation)
        {
            if (!ModerationVerdicts.Contains(moderation))
                throw new ArgumentException($"'{moderation}' is not a moderation verdict ({string.Join(", ", ModerationVerdicts)})", nameof(search));
            terms.Add("moderation:" + moderation);
        }
        if (search.Order != SearchOrder.TakenDescending)
        {
            if (search.Order == SearchOrder.Similarity && search.SimilarTo is null)
                throw new ArgumentException("a similarity order needs a photo to be similar to", nameof(search));
            terms.Add("sort:" + Orders.First(o => o.Order == search.Order).Word);
        }
        return string.Join(' ', terms);
    }

    private static void CheckPlace(PlaceFilter place)
    {
        CheckLatitude(place.Latitude);
        CheckLongitude(place.Longitude);
        if (place.IsBox)
        {
            CheckLatitude(place.ToLatitude!.Value);
            CheckLongitude(place.ToLongitude!.Value);
            if (place.ToLatitude < place.Latitude || place.ToLongitude < place.Longitude)
                throw new ArgumentException("a place box's first corner must be its south-west one", "search");
        }
        else if (place.RadiusKm is not ({ } r and > 0 and <= MaxRadiusKm))
            throw new ArgumentException($"a place circle needs a radius above 0 and up to {MaxRadiusKm} km (got {place.RadiusKm})", "search");

        static void CheckLatitude(double latitude)
        {
            if (!(latitude is >= -90 and <= 90))
                throw new ArgumentException($"latitude {latitude} is not between -90 and 90", "search");
        }

        static void CheckLongitude(double longitude)
        {
            if (!(longitude is >= -180 and <= 180))
                throw new ArgumentException($"longitude {longitude} is not between -180 and 180", "search");
        }
    }

    private static string PersonText(PersonRef person)
    {
        if (person.Id is { } id)
        {
            if (id < 1)
                throw new ArgumentException($"person id {id} is not a positive number", "search");
            return "#" + id.ToString(CultureInfo.InvariantCulture);
        }
        if (string.IsNullOrWhiteSpace(person.Name))
            throw new ArgumentException("a person has neither a name nor an id", "search");
        return Quote(person.Name, ",=>");
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string DateText(DateTime date) =>
        date.TimeOfDay != TimeSpan.Zero ? date.ToString(DateTimeFormats[^1], CultureInfo.InvariantCulture)
            : date is { Month: 1, Day: 1 } ? date.ToString("yyyy", CultureInfo.InvariantCulture)
            : date.Day == 1 ? date.ToString("yyyy-MM", CultureInfo.InvariantCulture)
            : date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The dates after: and before: read; a time of day is accepted, though only Format writes one.</summary>
    private static readonly string[] DateTimeFormats = ["yyyy", "yyyy-MM", "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"];

    /// <summary>The value as written: bare when nothing in it means something, quoted otherwise.</summary>
    private static string Quote(string value, string special) => NeedsQuotes(value, special) || value.StartsWith('#') ? QuoteAlways(value) : value;

    private static bool NeedsQuotes(string value, string special) =>
        value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || c is '"' or '\\' || special.Contains(c));

    private static string QuoteAlways(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>"; did you mean 'x'?" for the nearest of <paramref name="choices"/> within two edits, or nothing.</summary>
    internal static string DidYouMean(string word, IEnumerable<string> choices)
    {
        var best = choices.Select(c => (Choice: c, Distance: SearchService.EditDistance(word.ToLowerInvariant(), c))).OrderBy(c => c.Distance).FirstOrDefault();
        return best.Choice is not null && best.Distance <= Math.Min(2, Math.Max(1, word.Length / 2)) ? $"; did you mean '{best.Choice}'?" : "";
    }

    /// <summary>A value as read: its characters, whether each was inside quotes, and where each stood in the query.</summary>
    private readonly record struct Value(string Text, bool[] Quoted, int[] At, int Start)
    {
        public int Length => Text.Length;

        public int PositionOf(int index) => index < At.Length ? At[index] : Start + (At.Length > 0 ? At[^1] - Start + 1 : 0);

        public Value Slice(int from, int to) => new(Text[from..to], Quoted[from..to], At[from..to], from < At.Length ? At[from] : PositionOf(from));

        /// <summary>The first index of <paramref name="token"/> outside quotes, or -1.</summary>
        public int IndexOfBare(string token, int from = 0)
        {
            for (var i = from; i + token.Length <= Text.Length; i++)
                if (string.CompareOrdinal(Text, i, token, 0, token.Length) == 0 && !Quoted.AsSpan(i, token.Length).Contains(true))
                    return i;
            return -1;
        }

        public IEnumerable<Value> SplitBare(char separator)
        {
            var start = 0;
            for (var i = 0; i <= Text.Length; i++)
            {
                if (i < Text.Length && (Text[i] != separator || Quoted[i]))
                    continue;
                yield return Slice(start, i);
                start = i + 1;
            }
        }

        public bool AnyQuoted => Quoted.Contains(true);
    }

    private sealed class Parser(string query)
    {
        private readonly List<PersonRef> _people = [];
        private readonly List<EmotionFilter> _emotions = [];
        private readonly List<ObjectFilter> _objects = [];
        private readonly List<string> _text = [];
        private readonly Dictionary<string, int> _seen = [];
        private PeopleMatch? _match;
        private int _matchAt;
        private DateTime? _from, _before;
        private string? _fromText, _beforeText;
        private string? _camera;
        private PlaceFilter? _place;
        private MediaKind? _kind;
        private long? _similar;
        private FacePresence _faces = FacePresence.Any;
        private bool _review;
        private string? _moderation;
        private SearchOrder _order = SearchOrder.TakenDescending;
        private int _emotionAt = -1, _peopleAt = -1, _facesAt = -1, _orderAt = -1, _beforeAt = -1;

        public PhotoSearch Run()
        {
            var i = 0;
            while (true)
            {
                while (i < query.Length && char.IsWhiteSpace(query[i]))
                    i++;
                if (i >= query.Length)
                    break;
                var start = i;
                var token = ReadToken(ref i);
                Term(start, token);
            }
            CheckConflicts();
            return new PhotoSearch
            {
                People = _people.ToList(),
                PeopleMatch = _match ?? PeopleMatch.AllOf,
                Emotions = _emotions.ToList(),
                Objects = _objects.ToList(),
                Text = _text.ToList(),
                TakenFrom = _from,
                TakenBefore = _before,
                Camera = _camera,
                Place = _place,
                Kind = _kind,
                SimilarTo = _similar,
                Faces = _faces,
                NeedsReview = _review,
                Moderation = _moderation,
                Order = _order,
            };
        }

        /// <summary>One term's characters up to unquoted white space, quotes removed (each character marked whether it was quoted).</summary>
        private Value ReadToken(ref int i)
        {
            var start = i;
            var text = new StringBuilder();
            var quoted = new List<bool>();
            var at = new List<int>();
            var sawQuotes = false;
            while (i < query.Length && !char.IsWhiteSpace(query[i]))
            {
                if (query[i] != '"')
                {
                    text.Append(query[i]);
                    quoted.Add(false);
                    at.Add(i++);
                    continue;
                }
                sawQuotes = true;
                var open = i++;
                var closed = false;
                while (i < query.Length)
                {
                    if (query[i] == '\\' && i + 1 < query.Length && query[i + 1] is '"' or '\\')
                        i++;
                    else if (query[i] == '"')
                    {
                        closed = true;
                        i++;
                        break;
                    }
                    text.Append(query[i]);
                    quoted.Add(true);
                    at.Add(i++);
                }
                if (!closed)
                    throw Fault(open, $"the quote at {open} is never closed (end it with \")");
            }
            if (text.Length == 0 && sawQuotes)
                throw Fault(start, $"empty quotes at {start} name nothing: put a word or a phrase between them");
            return new Value(text.ToString(), [.. quoted], [.. at], start);
        }

        private void Term(int start, Value token)
        {
            var colon = token.IndexOfBare(":");
            var isKey = colon > 0 && !token.Quoted[0] && char.IsAsciiLetter(token.Text[0])
                && token.Text[..colon].All(c => char.IsAsciiLetter(c) || c == '-') && !token.Quoted.AsSpan(0, colon).Contains(true);
            if (!isKey)
            {
                if (string.IsNullOrWhiteSpace(token.Text))
                    throw Fault(start, $"the phrase at {start} is blank: put a word between the quotes");
                _text.Add(token.Text);
                return;
            }
            var key = token.Text[..colon].ToLowerInvariant();
            var value = token.Slice(colon + 1, token.Length);
            if (!Keys.Contains(key))
            {
                var hint = DidYouMean(key, Keys);
                throw Fault(start, $"unknown key '{token.Text[..colon]}' at {start}" + (hint.Length > 0 ? hint : $" (keys: {string.Join(", ", Keys)}; quote a phrase that holds a colon)"));
            }
            if (string.IsNullOrWhiteSpace(value.Text))
                throw Fault(colon + start + 1, $"{key}: needs a value ({Expected(key)})");
            switch (key)
            {
                case "person":
                    People(start, PeopleMatch.AllOf, key);
                    _people.Add(Person(key, value));
                    break;
                case "any":
                case "only":
                    People(start, key == "any" ? PeopleMatch.AnyOf : PeopleMatch.Only, key);
                    foreach (var part in value.SplitBare(','))
                    {
                        if (part.Length == 0)
                            throw Fault(part.Start, $"{key}: has an empty name at {part.Start} ({Expected(key)})");
                        _people.Add(Person(key, part));
                    }
                    break;
                case "emotion":
                    Emotion(value);
                    if (_emotionAt < 0)
                        _emotionAt = start;
                    break;
                case "object":
                    Object(value);
                    break;
                case "text":
                    _text.Add(value.Text);
                    break;
                case "after":
                    Once(key, start);
                    _from = Date(key, value);
                    _fromText = value.Text;
                    break;
                case "before":
                    Once(key, start);
                    _before = Date(key, value);
                    _beforeText = value.Text;
                    _beforeAt = start;
                    break;
                case "camera":
                    Once(key, start);
                    _camera = value.Text;
                    break;
                case "near":
                case "box":
                    if (_seen.ContainsKey("near") || _seen.ContainsKey("box"))
                        throw Fault(start, $"{key}: at {start} is a second place; give one near: or box:");
                    Once(key, start);
                    _place = key == "near" ? Near(value) : Box(value);
                    break;
                case "kind":
                    Once(key, start);
                    _kind = Word(key, value, [("photo", MediaKind.Photo), ("video", MediaKind.Video)]);
                    break;
                case "similar":
                    Once(key, start);
                    var digits = value.Text.StartsWith('#') && !value.Quoted[0] ? value.Text[1..] : value.Text;
                    if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
                        throw Fault(value.Start, $"similar: '{value.Text}' is not a photo id (#123)");
                    _similar = id;
                    break;
                case "faces":
                    Once(key, start);
                    _faces = Word(key, value, [("none", FacePresence.None), ("some", FacePresence.Some)]);
                    _facesAt = start;
                    break;
                case "review":
                    Once(key, start);
                    _review = Word(key, value, [("yes", true), ("no", false)]);
                    break;
                case "moderation":
                    Once(key, start);
                    _moderation = Word(key, value, ModerationVerdicts.Select(v => (v, v)).ToArray());
                    break;
                case "sort":
                    Once(key, start);
                    _order = Word(key, value, Orders.ToArray());
                    _orderAt = start;
                    break;
            }
        }

        private static string Expected(string key) => key switch
        {
            "person" => "a name, \"Mary Ann\" or an id #12",
            "any" or "only" => "names or ids separated by commas: Amy,\"Mary Ann\",#12",
            "emotion" => $"{string.Join("|", EmotionNames)}, with a minimum score (happy>=0.8) or a person (Amy=happy)",
            "object" => "a class such as dog, with a minimum count (person>=2)",
            "text" => "a word or a quoted phrase",
            "after" or "before" => "a date: YYYY, YYYY-MM or YYYY-MM-DD",
            "camera" => "words of the camera's make or model",
            "near" => "latitude,longitude,radius with km or m: 48.85,2.35,5km",
            "box" => "two corners, south-west then north-east: lat1,lon1,lat2,lon2",
            "kind" => "photo or video",
            "similar" => "a photo id: #123",
            "faces" => "none or some",
            "review" => "yes or no",
            "moderation" => string.Join(" or ", ModerationVerdicts),
            "sort" => string.Join("|", Orders.Select(o => o.Word)),
            _ => "a value",
        };

        private void Once(string key, int start)
        {
            if (_seen.TryGetValue(key, out var first))
                throw Fault(start, $"{key}: given twice (at {first} and {start}); give it once");
            _seen[key] = start;
        }

        private void People(int start, PeopleMatch match, string key)
        {
            if (_match is { } earlier && earlier != match)
                throw Fault(start, $"{key}: at {start} cannot be mixed with {MatchKey(earlier)}: at {_matchAt}; use person: (all of), any: or only:");
            if (_match is null)
            {
                _matchAt = start;
                _peopleAt = start;
            }
            _match = match;
        }

        private static string MatchKey(PeopleMatch match) => match switch
        {
            PeopleMatch.AnyOf => "any",
            PeopleMatch.Only => "only",
            _ => "person",
        };

        private PersonRef Person(string key, Value value)
        {
            if (value.Length > 0 && value.Text[0] == '#' && !value.Quoted[0])
            {
                if (!long.TryParse(value.Text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
                    throw Fault(value.Start, $"{key}: '{value.Text}' is not a person id (#12; quote a name that begins with #)");
                return new PersonRef(Id: id);
            }
            if (string.IsNullOrWhiteSpace(value.Text))
                throw Fault(value.Start, $"{key}: needs a name ({Expected(key)})");
            return new PersonRef(Name: value.Text);
        }

        private void Emotion(Value value)
        {
            var min = 0f;
            var score = value.IndexOfBare(">=");
            var body = value;
            if (score >= 0)
            {
                var number = value.Slice(score + 2, value.Length);
                if (!float.TryParse(number.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out min) || min is < 0f or > 1f || number.AnyQuoted)
                    throw Fault(value.PositionOf(score + 2), $"emotion: '{number.Text}' is not a minimum score between 0 and 1 (happy>=0.8)");
                body = value.Slice(0, score);
            }
            PersonRef? person = null;
            var equals = body.IndexOfBare("=");
            if (equals >= 0)
            {
                var who = body.Slice(0, equals);
                if (who.Length == 0)
                    throw Fault(body.Start, "emotion: has '=' but no person before it (Amy=happy)");
                person = Person("emotion", who);
                body = body.Slice(equals + 1, body.Length);
            }
            var name = body.Text.ToLowerInvariant();
            if (name.Length == 0)
                throw Fault(body.Start, $"emotion: names no emotion ({string.Join("|", EmotionNames)})");
            if (!EmotionNames.Contains(name))
                throw Fault(body.Start, $"emotion: '{body.Text}' is not an emotion ({string.Join("|", EmotionNames)}){DidYouMean(name, EmotionNames)}");
            _emotions.Add(new EmotionFilter(name, person, min));
        }

        private void Object(Value value)
        {
            var count = 1;
            var at = value.IndexOfBare(">=");
            var label = value;
            if (at >= 0)
            {
                var number = value.Slice(at + 2, value.Length);
                if (!int.TryParse(number.Text, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || number.AnyQuoted)
                    throw Fault(value.PositionOf(at + 2), $"object: '{number.Text}' is not a minimum count of 1 or more (person>=2)");
                label = value.Slice(0, at);
            }
            if (string.IsNullOrWhiteSpace(label.Text))
                throw Fault(label.Start, "object: names no class (dog, person>=2, \"traffic light\")");
            _objects.Add(new ObjectFilter(label.Text, count));
        }

        private DateTime Date(string key, Value value)
        {
            if (value.AnyQuoted || !DateTime.TryParseExact(value.Text, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                throw Fault(value.Start, $"{key}: '{value.Text}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)");
            return DateTime.SpecifyKind(date, DateTimeKind.Unspecified);
        }

        private PlaceFilter Near(Value value)
        {
            var parts = value.Text.Split(',');
            if (parts.Length != 3)
                throw Fault(value.Start, $"near: '{value.Text}' is not latitude,longitude,radius (48.85,2.35,5km)");
            var latitude = Coordinate("near", value, parts[0], 90, "latitude");
            var longitude = Coordinate("near", value, parts[1], 180, "longitude");
            var radius = parts[2];
            var (digits, scale) = radius.EndsWith("km", StringComparison.OrdinalIgnoreCase) ? (radius[..^2], 1.0)
                : radius.EndsWith('m') || radius.EndsWith('M') ? (radius[..^1], 1000.0)
                : throw Fault(value.Start, $"near: the radius '{radius}' has no unit (5km or 500m)");
            if (!double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || !double.IsFinite(amount) || amount <= 0)
                throw Fault(value.Start, $"near: the radius '{radius}' is not a positive distance (5km or 500m)");
            var km = amount / scale;
            if (km > MaxRadiusKm)
                throw Fault(value.Start, $"near: the radius '{radius}' is more than half the earth's circumference ({MaxRadiusKm} km)");
            return new PlaceFilter(latitude, longitude, RadiusKm: km);
        }

        private PlaceFilter Box(Value value)
        {
            var parts = value.Text.Split(',');
            if (parts.Length != 4)
                throw Fault(value.Start, $"box: '{value.Text}' is not two corners lat1,lon1,lat2,lon2 (south-west, then north-east)");
            var south = Coordinate("box", value, parts[0], 90, "latitude");
            var west = Coordinate("box", value, parts[1], 180, "longitude");
            var north = Coordinate("box", value, parts[2], 90, "latitude");
            var east = Coordinate("box", value, parts[3], 180, "longitude");
            if (north < south || east < west)
                throw Fault(value.Start, $"box: '{value.Text}' must give the south-west corner first, then the north-east one");
            return new PlaceFilter(south, west, ToLatitude: north, ToLongitude: east);
        }

        private double Coordinate(string key, Value value, string text, double limit, string what)
        {
            if (value.AnyQuoted || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                || !double.IsFinite(number) || Math.Abs(number) > limit)
                throw Fault(value.Start, $"{key}: '{text}' is not a {what} between -{limit} and {limit}");
            return number;
        }

        private T Word<T>(string key, Value value, IReadOnlyList<(string Word, T Meaning)> words)
        {
            var word = value.Text.ToLowerInvariant();
            foreach (var (w, meaning) in words)
                if (w == word)
                    return meaning;
            throw Fault(value.Start, $"{key}: '{value.Text}' is not one of {string.Join("|", words.Select(w => w.Word))}{DidYouMean(word, words.Select(w => w.Word))}");
        }

        private void CheckConflicts()
        {
            if (_from is { } from && _before is { } before && from >= before)
                throw Fault(_beforeAt, $"after:{_fromText} is not earlier than before:{_beforeText}: no photo can match");
            if (_faces == FacePresence.None && (_people.Count > 0 || _emotions.Count > 0))
                throw Fault(_facesAt, $"faces:none cannot hold with {(_people.Count > 0 ? "people" : "emotions")} (at {(_people.Count > 0 ? _peopleAt : _emotionAt)}): a photo without faces has neither");
            if (_order == SearchOrder.Similarity && _similar is null)
                throw Fault(_orderAt, "sort:similarity needs a photo to be similar to: add similar:#id");
        }

        private static SearchQueryException Fault(int position, string message) => new(message, position);
    }
}
