using Appliance.Data.Store;
using Appliance.Web.Security;

namespace Appliance.Web.Api;

/// <summary>/api/v1/hub/edges: the edges this hub accepts. Changes take effect at once, without apply.</summary>
/// <remarks>The key is in the answers to create and rotate only; lists and reads never carry it.</remarks>
internal static class HubEdgesApi
{
    /// <summary>Body of a key rotation.</summary>
    /// <param name="Key">The new key (16-256 printable ASCII characters); omit it to have a strong one generated.</param>
    public sealed record RotateKeyRequest(string? Key = null);

    public static void MapHubEdgesApi(this RouteGroupBuilder api)
    {
        // Reading the register takes any role; changing it (keys are credentials) an admin.
        var edges = api.MapGroup("/hub/edges").WithTags("Hub edges").RequireAuthorization(AppPolicies.ReadOrOperate);

        edges.MapGet("/", async (HubEdgeStore store, CancellationToken ct) => TypedResults.Ok(await store.ListAsync(ct)))
            .WithName("ListHubEdges").WithSummary("List the edges allowed to connect to this hub (without keys)");

        edges.MapGet("/{id}", async (string id, HubEdgeStore store, CancellationToken ct) => TypedResults.Ok(await store.GetAsync(id, ct)))
            .WithName("GetHubEdge").WithSummary("Get one edge (without its key)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        edges.MapPost("/", async (NewHubEdge edge, HttpContext http, HubEdgeStore store, CancellationToken ct) =>
            {
                var created = await store.CreateAsync(edge, http.ChangeContext(), ct);
                return TypedResults.Created($"/api/v1/hub/edges/{Uri.EscapeDataString(created.Id)}", created);
            })
            .RequireAuthorization(AppPolicies.Admin).WithName("CreateHubEdge").WithSummary("Register an edge; the answer is the only one that shows its key")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);

        edges.MapPut("/{id}", async (string id, HubEdgeUpdate update, HttpContext http, HubEdgeStore store, CancellationToken ct) =>
                TypedResults.Ok(await store.UpdateAsync(id, update, http.ChangeContext(), ct)))
            .RequireAuthorization(AppPolicies.Admin).WithName("UpdateHubEdge").WithSummary("Replace an edge's description, state, encryption and session limit (not its key)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        edges.MapPost("/{id}/key", async (string id, RotateKeyRequest? request, HttpContext http, HubEdgeStore store, CancellationToken ct) =>
                TypedResults.Ok(await store.RotateKeyAsync(id, request?.Key, http.ChangeContext(), ct)))
            .RequireAuthorization(AppPolicies.Admin).WithName("RotateHubEdgeKey").WithSummary("Replace an edge's key (given, or generated when omitted); the old key stops working at once")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        edges.MapDelete("/{id}", async (string id, HttpContext http, HubEdgeStore store, CancellationToken ct) =>
            {
                await store.DeleteAsync(id, http.ChangeContext(), ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(AppPolicies.Admin).WithName("DeleteHubEdge").WithSummary("Remove an edge; it can no longer connect")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
