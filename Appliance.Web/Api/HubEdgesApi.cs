using Appliance.Data.Store;
using Appliance.Web.Api.OpenApi;
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
        var edges = api.MapGroup("/hub/edges").WithTags(ApiTags.HubEdges).RequireAuthorization(AppPolicies.ReadOrOperate);

        edges.MapGet("/", async (HubEdgeStore store, CancellationToken ct) => TypedResults.Ok(await store.ListAsync(ct)))
            .WithName("ListHubEdges").WithSummary("List the edges")
            .WithDescription("The edges allowed to connect to this hub, with their state and session limit; never their keys.");

        edges.MapGet("/{id}", async (string id, HubEdgeStore store, CancellationToken ct) => TypedResults.Ok(await store.GetAsync(id, ct)))
            .WithName("GetHubEdge").WithSummary("Get one edge")
            .WithDescription("One registered edge, without its key.")
            .NoSuchEdge();

        edges.MapPost("/", async (NewHubEdge edge, HttpContext http, HubEdgeStore store, CancellationToken ct) =>
            {
                var created = await store.CreateAsync(edge, http.ChangeContext(), ct);
                return TypedResults.Created($"/api/v1/hub/edges/{Uri.EscapeDataString(created.Id)}", created);
            })
            .RequireAuthorization(AppPolicies.Admin).WithName("CreateHubEdge").WithSummary("Register an edge")
            .WithDescription("Registers an edge that may connect from now on. Give its key or leave it out to have a strong one generated: " +
                "this answer is the only one that shows it, to be set on the edge's hub settings.")
            .InvalidEdge().Refused(StatusCodes.Status409Conflict, "An edge with this id is registered already.");

        edges.MapPut("/{id}", async (string id, HubEdgeUpdate update, HttpContext http, HubEdgeStore store, CancellationToken ct) =>
                TypedResults.Ok(await store.UpdateAsync(id, update, http.ChangeContext(), ct)))
            .RequireAuthorization(AppPolicies.Admin).WithName("UpdateHubEdge").WithSummary("Change an edge")
            .WithDescription("Replaces an edge's description, state, encryption, session limit and allowed destinations (all of them; omitted fields take their defaults; not the key). Disabling it closes its sessions.")
            .InvalidEdge().NoSuchEdge();

        edges.MapPost("/{id}/key", async (string id, RotateKeyRequest? request, HttpContext http, HubEdgeStore store, CancellationToken ct) =>
                TypedResults.Ok(await store.RotateKeyAsync(id, request?.Key, http.ChangeContext(), ct)))
            .RequireAuthorization(AppPolicies.Admin).WithName("RotateHubEdgeKey").WithSummary("Replace an edge's key")
            .WithDescription("Sets the given key, or a generated one when the body or its key is left out. The old key stops working at once " +
                "and the edge's sessions close; the answer is the only one that shows the new key.")
            .InvalidEdge().NoSuchEdge();

        edges.MapDelete("/{id}", async (string id, HttpContext http, HubEdgeStore store, CancellationToken ct) =>
            {
                await store.DeleteAsync(id, http.ChangeContext(), ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(AppPolicies.Admin).WithName("DeleteHubEdge").WithSummary("Remove an edge")
            .WithDescription("Removes the edge: it can no longer connect, and its sessions close.")
            .NoSuchEdge();
    }

    private static RouteHandlerBuilder NoSuchEdge(this RouteHandlerBuilder builder) =>
        builder.Refused(StatusCodes.Status404NotFound, "No edge has this id.");

    private static RouteHandlerBuilder InvalidEdge(this RouteHandlerBuilder builder) =>
        builder.RefusedInvalid("The edge or key is invalid: `errors` names every field to fix.");
}
