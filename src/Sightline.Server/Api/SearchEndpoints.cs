using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Library.Search;
using Sightline.Server.Errors;
using Sightline.Server.Hosting;

namespace Sightline.Server.Api;

/// <summary>
/// Search of the library of <c>sightline serve --library</c>: <c>GET /v1/library/search?q=</c> in the query language
/// (answering <see cref="SearchResults"/>, what <c>sightline library search --json</c> prints) and the facets the app's
/// filter chips offer. A malformed query is a 400 <c>bad_query</c> with the fault's position and the query; one naming
/// nobody the library has is a 422 <c>search_unknown</c>.
/// </summary>
public static class SearchEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var library = app.MapGroup("/v1/library").WithTags("search");

        library.MapGet("/search", async (HttpContext context, LibraryServices services, string? q, string? limit, string? cursor, CancellationToken ct) =>
            {
                var page = PageOf(limit, cursor);
                var opened = await services.LibraryAsync(ct).ConfigureAwait(false);
                var query = q ?? "";
                try
                {
                    return Results.Ok(await SearchResults.QueryAsync(opened, query, page, ct).ConfigureAwait(false));
                }
                catch (SearchQueryException e)
                {
                    return QueryProblem(e, query, context);
                }
                catch (Exception e) when (page.Cursor is not null && e is ArgumentException or FormatException)
                {
                    throw ApiProblem.BadParameter($"cursor: not a cursor of this search; give the nextCursor of the previous page with the same q, or none to start");
                }
            })
            .WithName("LibrarySearch")
            .WithSummary("Photos that match a query in the query language, one page at a time, with how many match in all")
            .WithDescription("Query: q (e.g. 'person:Amy emotion:happy after:2024-01 object:dog'; empty lists every photo; the keys: "
                + string.Join(", ", SearchQueryLanguage.Keys.Select(k => k + ":")) + "; bare words are text), "
                + $"limit (1-{SearchPageLimits.Default.MaxLimit}, default {SearchPageLimits.Default.DefaultLimit}), cursor (the previous page's nextCursor). "
                + "The answer's query is the canonical text of the search; each photo is as GET /v1/library/photos gives it, with its score for the relevance and similarity orders (null otherwise). "
                + "400 bad_query for a malformed query (with position, 0-based, and query); 422 search_unknown when it names a person the library does not have.")
            .Produces<SearchResults>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        library.MapGet("/facets", async (LibraryServices services, CancellationToken ct) =>
            {
                var opened = await services.LibraryAsync(ct).ConfigureAwait(false);
                return await opened.Search.GetFacetsAsync(ct).ConfigureAwait(false);
            })
            .WithName("LibraryFacets")
            .WithSummary("What there is to search by: object classes, emotions and camera models with their photo counts, and the first and last year of the photos")
            .WithDescription("The same object 'sightline library facets --json' prints; each value goes into a query as object:, emotion: or camera:.")
            .Produces<SearchFacets>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>The page of a search request: limit in range (422 bad_parameter otherwise), cursor as sent.</summary>
    private static SearchPageRequest PageOf(string? limit, string? cursor)
    {
        var limits = SearchPageLimits.Default;
        var count = limits.DefaultLimit;
        if (limit is not null)
        {
            if (!int.TryParse(limit, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out count))
                throw ApiProblem.BadParameter($"limit '{Short(limit)}' is not a whole number; give 1 to {limits.MaxLimit} (default {limits.DefaultLimit})");
            if (count < 1 || count > limits.MaxLimit)
                throw ApiProblem.BadParameter($"limit {count} is out of range; give 1 to {limits.MaxLimit} (default {limits.DefaultLimit})");
        }
        return new SearchPageRequest(count, string.IsNullOrWhiteSpace(cursor) ? null : cursor.Trim());
    }

    // A value quoted back in a message: short, and on one line.
    private static string Short(string value)
    {
        var line = value.ReplaceLineEndings(" ");
        return line.Length <= 80 ? line : line[..80] + "...";
    }

    /// <summary>A query that cannot be run: 400 <c>bad_query</c> with the fault's position, or 422 <c>search_unknown</c> for a name the library lacks.</summary>
    internal static IResult QueryProblem(SearchQueryException e, string query, HttpContext context)
    {
        var extensions = new Dictionary<string, object?> { ["query"] = query };
        if (e.Position is { } position)
            extensions["position"] = position;
        return e.Kind == SearchErrorKind.Unknown
            ? ApiProblem.ToResult(StatusCodes.Status422UnprocessableEntity, "search_unknown", e.Message, context.Request.Path, extensions)
            : ApiProblem.ToResult(StatusCodes.Status400BadRequest, "bad_query", e.Message, context.Request.Path, extensions);
    }
}
