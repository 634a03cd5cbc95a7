using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Library.Duplicates;
using Sightline.Library.Search;
using Sightline.Server.Errors;
using Sightline.Server.Hosting;

namespace Sightline.Server.Api;

/// <summary><c>GET /v1/library/duplicates</c>: the groups of 'sightline library duplicates --json', the same records.</summary>
public static class DuplicateEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/library").WithTags("library").MapGet("/duplicates", async (HttpContext context, LibraryServices services, string? kind, string? q, CancellationToken ct) =>
            {
                var only = DuplicateReport.ParseKind(kind, out var valid);
                if (!valid)
                    throw ApiProblem.BadParameter($"kind: '{kind}' is not exact, near or burst");
                var opened = await services.LibraryAsync(ct).ConfigureAwait(false);
                try
                {
                    var within = string.IsNullOrWhiteSpace(q) ? null : SearchQueryLanguage.Parse(q);
                    return Results.Ok((await opened.Duplicates.FindAsync(within: within, cancellationToken: ct).ConfigureAwait(false)).OfKind(only));
                }
                catch (SearchQueryException e)
                {
                    return SearchEndpoints.QueryProblem(e, q ?? "", context);
                }
            })
            .WithName("LibraryDuplicates")
            .WithSummary("Exact copies, near duplicates and bursts, each group's members best first with their score and reasons (as 'sightline library duplicates --json')")
            .WithDescription("Query: kind (exact|near|burst; default all); q, a search in the query language that limits the photos compared (400 bad_query, 422 search_unknown as for /v1/library/search). Redundant counts the photos beyond the best of each group.")
            .Produces<DuplicateReport>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
