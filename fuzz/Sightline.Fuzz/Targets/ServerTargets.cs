using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Sightline.Imaging;
using Sightline.Library.Search;
using Sightline.Library.Storage;
using Sightline.Server.Api;
using Sightline.Server.Errors;
using Sightline.Server.Hosting;

namespace Sightline.Fuzz.Targets;

/// <summary>
/// What the server parses from a request before any model runs: uploads (multipart forms and raw bodies) and the
/// query string (task choice and options, the search language, page cursors). A refusal is fine when the server
/// answers it with a 4xx; an exception it would answer with a 5xx is a bug.
/// </summary>
public static class ServerTargets
{
    private static readonly ServerOptions Options = new()
    {
        ImageLimits = new ImageLimits(MaxFileBytes: 1024 * 1024),
        MaxUploadBytes = 1024 * 1024 + 64 * 1024,
    };

    /// <summary>The input is the Content-Type header, a line feed, then the body.</summary>
    public static FuzzTarget Multipart { get; } = new(
        "multipart",
        "ImageUpload.ReadFilesAsync and ReadBytesAsync (ASP.NET Core's form reader, the upload limits, raw bodies)",
        ReadUpload,
        data => UploadSeeds(),
        length => 32L * 1024 * 1024 + 64L * length);

    /// <summary>The input is a query string.</summary>
    public static FuzzTarget Query { get; } = new(
        "query",
        "the query string: AnalyzeEndpoints.Choose (tasks, task.option=value), SearchQueryLanguage.Parse and Format, page cursors",
        ReadQuery,
        data => QuerySeeds(),
        length => 16L * 1024 * 1024 + 256L * length);

    private static void ReadUpload(byte[] input)
    {
        var newline = Array.IndexOf(input, (byte)'\n');
        var contentType = Encoding.Latin1.GetString(input, 0, newline < 0 ? 0 : newline).TrimEnd('\r');
        var body = newline < 0 ? input : input[(newline + 1)..];
        foreach (var many in new[] { false, true })
        {
            var context = new DefaultHttpContext();
            context.Request.Method = "POST";
            context.Request.ContentType = contentType;
            context.Request.ContentLength = body.Length;
            context.Request.Body = new MemoryStream(body, writable: false);
            try
            {
                if (many)
                    ImageUpload.ReadFilesAsync(context.Request, Options.ImageLimits, Options.MaxUploadBytes, 4, CancellationToken.None).GetAwaiter().GetResult();
                else
                    ImageUpload.ReadBytesAsync(context.Request, Options.ImageLimits, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is not FuzzFindingException)
            {
                Expect4xx(e);
            }
        }
    }

    private static void ReadQuery(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        var query = new QueryCollection(QueryHelpers.ParseQuery(text));
        try
        {
            AnalyzeEndpoints.Choose(query["tasks"].ToString(), query, Options);
        }
        catch (Exception e)
        {
            Expect4xx(e);
        }
        var q = query["q"].ToString();
        PhotoSearch search;
        try
        {
            search = SearchQueryLanguage.Parse(q);
        }
        catch (SearchQueryException)
        {
            return; // a 400 bad_query naming the position
        }
        // Format's promise: its text parses back to an equal search.
        string canonical;
        try
        {
            canonical = SearchQueryLanguage.Format(search);
        }
        catch (ArgumentException e)
        {
            throw new FuzzFindingException($"the query \"{q}\" parses to a search that cannot be written back: {e.Message}", e);
        }
        string again;
        try
        {
            again = SearchQueryLanguage.Format(SearchQueryLanguage.Parse(canonical));
        }
        catch (Exception e) when (e is SearchQueryException or ArgumentException)
        {
            throw new FuzzFindingException($"the canonical text \"{canonical}\" of \"{q}\" does not parse: {e.Message}", e);
        }
        if (again != canonical)
            throw new FuzzFindingException($"\"{q}\" is written \"{canonical}\", which reads back as \"{again}\"");
        var page = query["page"].ToString();
        if (page.Length > 0)
        {
            try
            {
                SearchCursor.Parse(page, search.Order);
            }
            catch (ArgumentException)
            {
                // a 400 for the page parameter
            }
            try
            {
                PhotoCursor.Parse(page, Library.PhotoOrder.TakenDescending);
            }
            catch (ArgumentException)
            {
                // a 400 for the page parameter
            }
        }
    }

    private static void Expect4xx(Exception e)
    {
        var (status, code, _) = ApiProblem.Classify(e);
        if (status >= 500)
            throw new FuzzFindingException($"the server would answer {status} {code}: {e.GetType().Name}: {e.Message}", e);
    }

    private static IEnumerable<Seed> UploadSeeds()
    {
        var png = ImageTargets.MadeInCode().First(s => s.Name == "made.png").Bytes;
        byte[] Form(string boundary, params (string Field, string File, string Type, byte[] Bytes)[] parts)
        {
            var body = new MemoryStream();
            void Write(string s) => body.Write(Encoding.ASCII.GetBytes(s));
            Write($"multipart/form-data; boundary={boundary}\n");
            foreach (var (field, file, type, bytes) in parts)
            {
                Write($"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file}\"\r\nContent-Type: {type}\r\n\r\n");
                body.Write(bytes);
                Write("\r\n");
            }
            Write($"--{boundary}--\r\n");
            return body.ToArray();
        }
        yield return new Seed("form-one", Form("XyZ", ("image", "a.png", "image/png", png)));
        yield return new Seed("form-two", Form("----b0undary", ("a", "a.png", "image/png", png), ("b", "b.jpg", "image/jpeg", [0xFF, 0xD8, 0xFF, 0xD9])));
        yield return new Seed("raw-png", [.. "image/png\n"u8, .. png]);
        yield return new Seed("raw-octets", [.. "application/octet-stream\n"u8, .. png]);
        yield return new Seed("urlencoded", "application/x-www-form-urlencoded\nimage=abc&x=1"u8.ToArray());
    }

    private static IEnumerable<Seed> QuerySeeds()
    {
        string[] queries =
        [
            "?tasks=detect,faces&detect.minScore=0.5&faces.detector=ssd",
            "?tasks=classify&classify.classifier=flowers",
            "?tasks=segment&segment.model=salient&segment.method=crops",
            "?q=person:Amy%20emotion:Amy=happy>=0.8%20after:2024-01%20object:dog>=2&page=s0:d:1714000000:42",
            "?q=near:52.5,13.4,10km%20camera:%22Canon%20EOS%22%20faces:none%20sort:date-asc",
            "?q=any:%2312,Raj%20text:%22hello%20world%22%20before:2020-12-31%20kind:video&page=s1:u:0:7",
            "?q=box:48.8,2.3,48.9,2.4%20moderation:safe%20similar:%2317%20sort:similarity%20beach&page=s4:o:24:0",
            "?q=only:%22Mary%20Ann%22,Raj%20object:%22traffic%20light%22%20review:yes%20sort:relevance%20caf%C3%A9",
        ];
        return queries.Select((q, i) => new Seed($"query-{i}", Encoding.UTF8.GetBytes(q)));
    }
}
