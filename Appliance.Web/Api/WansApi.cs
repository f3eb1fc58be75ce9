using Appliance.Data.Store;
using Appliance.Engine.Configuration;

using Appliance.Web.Security;

namespace Appliance.Web.Api;

/// <summary>/api/v1/wans: the WAN links of the pending configuration.</summary>
internal static class WansApi
{
    public static void MapWansApi(this RouteGroupBuilder api)
    {
        var wans = api.MapGroup("/wans").WithTags("WANs").RequireAuthorization(AppPolicies.ReadOrOperate);

        wans.MapGet("/", async (IWanStore store, CancellationToken ct) =>
                TypedResults.Ok((await store.ListAsync(ct)).Select(w => w.Value).ToList()))
            .WithName("ListWans").WithSummary("List the WANs of the pending configuration");

        wans.MapGet("/{name}", async (string name, HttpContext http, IWanStore store, CancellationToken ct) =>
            {
                var wan = await store.GetAsync(name, ct);
                http.SetETag(wan.Version);
                return TypedResults.Ok(wan.Value);
            })
            .WithName("GetWan").WithSummary("Get one WAN; its ETag is the version to send back in If-Match")
            .ProducesProblem(StatusCodes.Status404NotFound);

        wans.MapPost("/", async (WanLink wan, HttpContext http, IWanStore store, CancellationToken ct) =>
            {
                var created = await store.CreateAsync(wan, http.ChangeContext(), ct);
                http.SetETag(created.Version);
                return TypedResults.Created($"/api/v1/wans/{Uri.EscapeDataString(created.Value.Name)}", created.Value);
            })
            .WithName("CreateWan").WithSummary("Add a WAN to the pending configuration")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);

        wans.MapPut("/{name}", async (string name, WanLink wan, HttpContext http, IWanStore store, CancellationToken ct) =>
            {
                var body = string.IsNullOrEmpty(wan.Name) ? wan with { Name = name } : wan;
                var updated = await store.UpdateAsync(name, body, http.IfMatchVersion(), http.ChangeContext(), ct);
                http.SetETag(updated.Version);
                return TypedResults.Ok(updated.Value);
            })
            .WithName("UpdateWan").WithSummary("Replace a WAN (optionally only if If-Match still matches)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);

        wans.MapDelete("/{name}", async (string name, HttpContext http, IWanStore store, CancellationToken ct) =>
            {
                await store.DeleteAsync(name, http.IfMatchVersion(), http.ChangeContext(), ct);
                return TypedResults.NoContent();
            })
            .WithName("DeleteWan").WithSummary("Remove a WAN that no rule uses")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }
}
