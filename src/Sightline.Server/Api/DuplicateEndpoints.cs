using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Library.Duplicates;
using Sightline.Server.Errors;
using Sightline.Server.Hosting;

namespace Sightline.Server.Api;

/// <summary><c>GET /v1/library/duplicates</c>: the groups of 'sightline library duplicates --json', the same records.</summary>
public static class DuplicateEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/library").WithTags("library").MapGet("/duplicates", async (LibraryServices services, string? kind, CancellationToken ct) =>
            {
                var only = DuplicateReport.ParseKind(kind, out var valid);
                if (!valid)
                    throw ApiProblem.BadParameter($"kind: '{kind}' is not exact, near or burst");
                var opened = await services.LibraryAsync(ct).ConfigureAwait(false);
                return (await opened.Duplicates.FindAsync(cancellationToken: ct).ConfigureAwait(false)).OfKind(only);
            })
            .WithName("LibraryDuplicates")
            .WithSummary("Exact copies, near duplicates and bursts, each group's members best first with their score and reasons (as 'sightline library duplicates --json')")
            .WithDescription("Query: kind (exact|near|burst; default all). Redundant counts the photos beyond the best of each group.")
            .Produces<DuplicateReport>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
