using System.Globalization;
using System.Security.Cryptography;
using Sightline.Library.Metadata;

namespace Sightline.Bench;

/// <summary>The shape of a synthetic photo library (see <see cref="SyntheticPhotoLibrary"/>).</summary>
public sealed record SyntheticLibraryOptions
{
    public int Photos { get; init; } = 100_000;

    /// <summary>People who can appear; their photo counts fall off with their rank (Zipf-like), a few appear in thousands of photos, most in a handful.</summary>
    public int People { get; init; } = 2_000;

    public int Seed { get; init; } = 20261202;

    /// <summary>Photos are taken over this many years before <see cref="LastDay"/>, more of them in later years.</summary>
    public int Years { get; init; } = 15;

    public DateTime LastDay { get; init; } = new(2026, 11, 30);

    /// <summary>Share of events shot with a camera that records GPS (phones mostly); each photo of such an event has a position with probability <see cref="GpsPerPhoto"/>.</summary>
    public double GpsEvents { get; init; } = 0.45;

    public double GpsPerPhoto { get; init; } = 0.9;

    /// <summary>Share of photos with words of text in them (signs, receipts, screenshots).</summary>
    public double TextShare { get; init; } = 0.10;

    public double VideoShare { get; init; } = 0.02;

    public double SensitiveShare { get; init; } = 0.01;

    public int EmbeddingDimension { get; init; } = 512;

    /// <summary>Scenes the image embeddings cluster around (each event is of one scene).</summary>
    public int Scenes { get; init; } = 300;

    /// <summary>Length of the noise added to a scene's unit centre: photos of one scene have a cosine of about 1 / (1 + noise²).</summary>
    public double SceneNoise { get; init; } = 0.8;

    public int DescriptorDimension { get; init; } = 128;

    /// <summary>Social circles the people fall into: an event shows people of one circle and the household.</summary>
    public int Circles { get; init; } = 150;

    /// <summary>The household: the top-ranked people, seen across every circle.</summary>
    public int Household { get; init; } = 6;
}

/// <summary>One face of a synthetic photo: its person (null: a stranger, or a face too poor to identify), its strongest expression and that expression's score.</summary>
public sealed record SyntheticPhotoFace(int? Person, string Expression, float ExpressionScore, bool TooPoor, float[] Descriptor);

/// <summary>One synthetic photo: everything the store keeps that search filters on.</summary>
public sealed record SyntheticPhoto(
    int Index,
    string ContentHash,
    bool IsVideo,
    DateTime? TakenAt,
    TimeSpan? TakenOffset,
    string? CameraMake,
    string? CameraModel,
    GeoPoint? Location,
    IReadOnlyList<SyntheticPhotoFace> Faces,
    IReadOnlyList<(string Label, int Count)> Objects,
    string? Text,
    bool Sensitive,
    int Scene,
    float[] Embedding);

/// <summary>
/// Synthetic photos with realistic distributions, deterministic for a seed: photos come in events (a day out, a trip,
/// a party; 1 to a few hundred photos over hours, with bursts of shots seconds apart) spread over the years with more
/// in later years; each event has a camera, maybe a GPS track, a scene (its image embeddings cluster around the scene's
/// centre; burst shots are near duplicates) and a cast drawn from one social circle and the household, so that people
/// have Zipf-like photo counts and appear together. 0-6 faces per photo, expressions in face-api's labels at the
/// frequencies of ordinary photos, COCO objects with counts ("person" for the faces, and a few others), text on a
/// tenth of the photos, a moderation verdict.
/// </summary>
public static class SyntheticPhotoLibrary
{
    /// <summary>face-api's expressions and how often each is a face's strongest in ordinary photos (neutral and happy dominate).</summary>
    public static IReadOnlyList<(string Label, double Weight)> Expressions { get; } =
    [
        ("neutral", 0.47), ("happy", 0.33), ("surprised", 0.06), ("sad", 0.06), ("angry", 0.035), ("disgusted", 0.025), ("fearful", 0.02),
    ];

    /// <summary>Faces per photo, 0 to 6: most photos have none or one, group photos a few.</summary>
    public static IReadOnlyList<double> FaceCountWeights { get; } = [0.36, 0.29, 0.17, 0.09, 0.05, 0.025, 0.015];

    /// <summary>COCO classes other than person with rough frequencies in personal photos.</summary>
    public static IReadOnlyList<(string Label, double Weight)> Objects { get; } =
    [
        ("car", 0.10), ("chair", 0.09), ("cup", 0.07), ("bottle", 0.07), ("dining table", 0.06), ("potted plant", 0.05), ("dog", 0.05),
        ("cell phone", 0.04), ("book", 0.04), ("cat", 0.035), ("tv", 0.03), ("bench", 0.03), ("bicycle", 0.025), ("handbag", 0.025),
        ("boat", 0.02), ("bird", 0.02), ("umbrella", 0.02), ("wine glass", 0.02), ("backpack", 0.02), ("clock", 0.015), ("couch", 0.015),
        ("laptop", 0.015), ("truck", 0.015), ("traffic light", 0.015), ("bowl", 0.015), ("cake", 0.01), ("horse", 0.008), ("kite", 0.008),
        ("surfboard", 0.006), ("pizza", 0.008), ("sports ball", 0.008), ("bus", 0.008), ("airplane", 0.005), ("teddy bear", 0.005),
    ];

    /// <summary>Cameras and how many events each shot (phones most); null make: scans and screenshots with no camera.</summary>
    public static IReadOnlyList<(string? Make, string? Model, double Weight, bool Gps)> Cameras { get; } =
    [
        ("Apple", "iPhone 13", 0.24, true), ("Apple", "iPhone 15 Pro", 0.14, true), ("Google", "Pixel 8", 0.11, true), ("samsung", "SM-S911B", 0.09, true),
        ("Apple", "iPhone 8", 0.07, true), ("Canon", "Canon EOS R6", 0.08, false), ("SONY", "ILCE-7M3", 0.06, false), ("FUJIFILM", "X100V", 0.05, false),
        ("NIKON CORPORATION", "NIKON Z 6", 0.04, false), ("GoPro", "HERO9 Black", 0.03, true), ("DJI", "FC3582", 0.02, true), (null, null, 0.07, false),
    ];

    /// <summary>Words of text in photos (signs, menus, receipts, documents), most common first.</summary>
    public static IReadOnlyList<string> Words { get; } =
    [
        "total", "exit", "open", "street", "cafe", "menu", "sale", "station", "hotel", "museum", "park", "receipt", "tax", "price", "welcome",
        "parking", "stop", "beach", "market", "bakery", "pharmacy", "airport", "gate", "platform", "ticket", "coffee", "pizza", "bar", "restaurant",
        "library", "school", "bank", "police", "taxi", "bus", "metro", "north", "south", "east", "west", "closed", "entrance", "toilets", "information",
        "invoice", "amount", "cash", "card", "change", "thank", "you", "visit", "again", "festival", "concert", "birthday", "wedding", "happy", "new",
        "year", "christmas", "summer", "winter", "spring", "autumn", "lake", "mountain", "river", "castle", "church", "cathedral", "bridge", "tower",
        "harbour", "island", "garden", "zoo", "aquarium", "stadium", "theatre", "cinema", "gallery", "square", "avenue", "road", "lane", "boulevard",
    ];

    private static readonly (double Lat, double Lon)[] Places =
    [
        (48.8566, 2.3522), (51.5074, -0.1278), (40.7128, -74.0060), (35.6762, 139.6503), (41.9028, 12.4964), (52.5200, 13.4050), (40.4168, -3.7038),
        (37.7749, -122.4194), (-33.8688, 151.2093), (45.4642, 9.1900), (43.7696, 11.2558), (38.7223, -9.1393), (50.0755, 14.4378), (59.3293, 18.0686),
        (64.1466, -21.9426), (-22.9068, -43.1729), (19.4326, -99.1332), (13.7563, 100.5018), (1.3521, 103.8198), (25.2048, 55.2708),
    ];

    public static string ContentHash(int index) => Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(index)));

    private static readonly string[] FirstNames =
    [
        "Amy", "Raj", "Mary Ann", "Li", "Omar", "Sofia", "Lucas", "Emma", "Noah", "Mia", "Ethan", "Zoe", "Ivan", "Aisha", "Diego", "Hana", "Kofi",
        "Elena", "Mateo", "Priya", "Jonas", "Chloe", "Yusuf", "Nina", "Tariq", "Lea", "Arjun", "Ines", "Felix", "Maya", "Hugo", "Sara", "Leo",
        "Anya", "Kenji", "Rosa", "Tom", "Ada", "Ravi", "Julia",
    ];

    private static readonly string[] LastNames =
    [
        "Chen", "Patel", "Garcia", "Smith", "Kim", "Nguyen", "Müller", "Rossi", "Silva", "Khan", "Novak", "Haddad", "Okafor", "Sato", "Dubois",
        "Jensen", "Kowalski", "Ivanova", "Costa", "Larsen", "Moreau", "Fischer", "Tanaka", "Ali", "Ortiz", "Berg", "Mensah", "Weber", "Lopez", "Park",
        "Yilmaz", "Santos", "Nakamura", "Rahman", "Volkov", "Lind", "Brown", "Cohen", "Adeyemi", "Ferrari", "Hansen", "Moretti", "Bauer", "Wong",
        "Suzuki", "Reyes", "Dahl", "Popescu", "Horvat", "Kaur",
    ];

    /// <summary>The name of the person of a rank (0 the most photographed): the household by first name, everyone else by first and last name, all different.</summary>
    public static string PersonName(int person, int household = 6) =>
        person < household
            ? FirstNames[person]
            : $"{FirstNames[person % FirstNames.Length]} {LastNames[person / FirstNames.Length % LastNames.Length]}"
              + (person >= FirstNames.Length * LastNames.Length ? $" {person / (FirstNames.Length * LastNames.Length) + 1}" : "");

    /// <summary>Every photo of the library, in the order they are committed; the same sequence for the same options.</summary>
    public static IEnumerable<SyntheticPhoto> Generate(SyntheticLibraryOptions options)
    {
        if (options.Photos < 1 || options.People < options.Household + 1 || options.Circles < 1)
            throw new BenchOptionException($"a synthetic library needs at least one photo and more people ({options.People}) than the household ({options.Household})");
        var random = new Random(options.Seed);
        // Zipf weight of each rank; the household is also fixed across circles.
        var weight = Enumerable.Range(0, options.People).Select(p => 1.0 / Math.Pow(p + 1, 0.9)).ToArray();
        var circles = Enumerable.Range(0, options.Circles).Select(_ => new List<int>()).ToArray();
        for (var p = options.Household; p < options.People; p++)
            circles[random.Next(options.Circles)].Add(p);
        var circleWeights = circles.Select(c => c.Sum(p => weight[p]) + 1e-9).ToArray();
        var personCentres = new float[options.People][];
        for (var p = 0; p < options.People; p++)
            personCentres[p] = UnitGaussian(random, options.DescriptorDimension, 1);
        var sceneCentres = Enumerable.Range(0, options.Scenes).Select(_ => UnitGaussian(random, options.EmbeddingDimension, 1)).ToArray();
        var home = Places[random.Next(Places.Length)];

        var firstDay = options.LastDay.AddYears(-options.Years);
        var span = (options.LastDay - firstDay).TotalDays;
        var index = 0;
        while (index < options.Photos)
        {
            // An event: a start day drawn so that later years hold more photos (density rising linearly to three times the first year's).
            var u = random.NextDouble();
            var dayFraction = (-1 + Math.Sqrt(1 + 8 * u)) / 4 * 2; // inverse CDF of density (1 + 2x) / 2 on [0, 1]
            var start = firstDay.AddDays(Math.Min(dayFraction, 1) * span).Date.AddHours(7 + random.NextDouble() * 13);
            var size = Math.Min(options.Photos - index, EventSize(random));
            var durationHours = size > 60 && random.NextDouble() < 0.4 ? 24 * (1 + random.Next(10)) : 0.5 + random.NextDouble() * 6;
            var camera = Pick(random, Cameras, c => c.Weight);
            var gps = camera.Gps && random.NextDouble() < options.GpsEvents / Cameras.Where(c => c.Gps).Sum(c => c.Weight);
            var place = random.NextDouble() < 0.55 ? home : Places[random.Next(Places.Length)];
            var offset = camera.Make is null ? (TimeSpan?)null : TimeSpan.FromHours(Math.Round(place.Lon / 15));
            var scene = random.Next(options.Scenes);
            var circle = circles[PickIndex(random, circleWeights)];
            var cast = new List<int>();
            var castSize = 2 + random.Next(10);
            for (var i = 0; i < castSize * 3 && cast.Count < castSize && circle.Count > 0; i++)
            {
                var p = circle[PickIndex(random, circle.Select(c => weight[c]).ToArray())];
                if (!cast.Contains(p))
                    cast.Add(p);
            }
            var times = Enumerable.Range(0, size).Select(_ => random.NextDouble() * durationHours).Order().ToArray();
            SyntheticPhoto? previous = null;
            for (var i = 0; i < size; i++, index++)
            {
                // A burst: the same shot again a second or two later, a near duplicate of the one before.
                var burst = previous is not null && random.NextDouble() < 0.15;
                var taken = burst ? previous!.TakenAt?.AddSeconds(1 + random.Next(3)) : start.AddHours(times[i]);
                if (!burst && random.NextDouble() < 0.04)
                    taken = null; // scans and messaging-app copies without a date
                var photo = burst
                    ? previous! with
                    {
                        Index = index,
                        ContentHash = ContentHash(index),
                        TakenAt = taken,
                        Embedding = Perturb(random, previous!.Embedding, 0.15),
                        Faces = previous!.Faces.Select(f => f with { Descriptor = Perturb(random, f.Descriptor, 0.1) }).ToList(),
                    }
                    : NewPhoto(random, options, index, taken, offset, camera, gps, place, scene, cast, weight, personCentres, sceneCentres);
                previous = photo;
                yield return photo;
            }
        }
    }

    private static SyntheticPhoto NewPhoto(Random random, SyntheticLibraryOptions options, int index, DateTime? taken, TimeSpan? offset,
        (string? Make, string? Model, double Weight, bool Gps) camera, bool gps, (double Lat, double Lon) place, int scene, List<int> cast,
        double[] weight, float[][] personCentres, float[][] sceneCentres)
    {
        var video = random.NextDouble() < options.VideoShare;
        var faceCount = video ? 0 : PickIndex(random, FaceCountWeights);
        var faces = new List<SyntheticPhotoFace>(faceCount);
        var inPhoto = new HashSet<int>();
        for (var f = 0; f < faceCount; f++)
        {
            var tooPoor = random.NextDouble() < 0.08;
            int? person = null;
            var roll = random.NextDouble();
            if (!tooPoor && roll < 0.88)
            {
                // The household is in about a third of the faces, the event's cast in the rest.
                var candidate = roll < 0.3 || cast.Count == 0
                    ? PickIndex(random, weight.AsSpan(0, options.Household).ToArray())
                    : cast[PickIndex(random, cast.Select(c => weight[c]).ToArray())];
                if (inPhoto.Add(candidate))
                    person = candidate;
            }
            var expression = Pick(random, Expressions, e => e.Weight).Label;
            // The strongest of seven probabilities: rarely below 0.4, often near 1.
            var score = (float)(0.4 + 0.6 * Math.Sqrt(random.NextDouble()));
            var descriptor = person is { } p ? Perturb(random, personCentres[p], 0.25) : UnitGaussian(random, options.DescriptorDimension, 1);
            faces.Add(new SyntheticPhotoFace(person, expression, score, tooPoor, descriptor));
        }
        var objects = new List<(string Label, int Count)>();
        if (faceCount > 0 || random.NextDouble() < 0.1)
            objects.Add(("person", Math.Max(1, faceCount + (random.NextDouble() < 0.3 ? 1 + random.Next(4) : 0))));
        var others = video ? 0 : Poisson(random, 1.1);
        for (var o = 0; o < others; o++)
        {
            var label = Pick(random, Objects, x => x.Weight).Label;
            if (objects.All(x => x.Label != label))
                objects.Add((label, random.NextDouble() < 0.75 ? 1 : 2 + random.Next(5)));
        }
        string? text = null;
        if (!video && random.NextDouble() < options.TextShare)
        {
            var words = 2 + random.Next(12);
            text = string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[Math.Min(Words.Count - 1, (int)(Words.Count * Math.Pow(random.NextDouble(), 2.5)))]));
            if (text.Contains("total", StringComparison.Ordinal))
                text += " " + (random.Next(100, 20000) / 100.0).ToString("0.00", CultureInfo.InvariantCulture);
        }
        GeoPoint? location = gps && random.NextDouble() < options.GpsPerPhoto
            ? new GeoPoint(place.Lat + Gaussian(random) * 0.05, place.Lon + Gaussian(random) * 0.05, Math.Round(random.NextDouble() * 300))
            : null;
        return new SyntheticPhoto(index, ContentHash(index), video, taken, taken is null ? null : offset, camera.Make, camera.Model, location, faces, objects, text,
            random.NextDouble() < options.SensitiveShare, scene, Perturb(random, sceneCentres[scene], options.SceneNoise));
    }

    /// <summary>Photos per event: mostly a few, sometimes a trip of a few hundred (a log-normal with median 8).</summary>
    private static int EventSize(Random random) => Math.Clamp((int)Math.Round(Math.Exp(Math.Log(8) + 1.1 * Gaussian(random))), 1, 400);

    internal static T Pick<T>(Random random, IReadOnlyList<T> items, Func<T, double> weight)
    {
        var total = 0.0;
        foreach (var item in items)
            total += weight(item);
        var roll = random.NextDouble() * total;
        foreach (var item in items)
            if ((roll -= weight(item)) < 0)
                return item;
        return items[^1];
    }

    internal static int PickIndex(Random random, IReadOnlyList<double> weights)
    {
        var total = 0.0;
        for (var i = 0; i < weights.Count; i++)
            total += weights[i];
        var roll = random.NextDouble() * total;
        for (var i = 0; i < weights.Count; i++)
            if ((roll -= weights[i]) < 0)
                return i;
        return weights.Count - 1;
    }

    private static int Poisson(Random random, double mean)
    {
        var limit = Math.Exp(-mean);
        var k = 0;
        for (var p = random.NextDouble(); p > limit; p *= random.NextDouble())
            k++;
        return k;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>A random vector of length <paramref name="length"/> in a uniformly random direction.</summary>
    private static float[] UnitGaussian(Random random, int dimension, double length)
    {
        var v = new float[dimension];
        for (var i = 0; i < dimension; i++)
            v[i] = (float)Gaussian(random);
        Scale(v, length);
        return v;
    }

    /// <summary><paramref name="centre"/> plus noise of length <paramref name="noise"/>, normalised to the centre's length.</summary>
    private static float[] Perturb(Random random, float[] centre, double noise)
    {
        var length = Math.Sqrt(centre.Sum(x => (double)x * x));
        var v = UnitGaussian(random, centre.Length, noise * length);
        for (var i = 0; i < v.Length; i++)
            v[i] += centre[i];
        Scale(v, length);
        return v;
    }

    private static void Scale(float[] v, double length)
    {
        var norm = Math.Sqrt(v.Sum(x => (double)x * x));
        if (norm == 0)
            return;
        var factor = (float)(length / norm);
        for (var i = 0; i < v.Length; i++)
            v[i] *= factor;
    }
}
