using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Engine.Network;
using Appliance.Web.Api.OpenApi;
using Appliance.Web.Security;

namespace Appliance.Web.Api;

/// <summary>/api/v1/wans: the WAN links of the pending configuration.</summary>
internal static class WansApi
{
    public static void MapWansApi(this RouteGroupBuilder api)
    {
        var wans = api.MapGroup("/wans").WithTags(ApiTags.Wans).RequireAuthorization(AppPolicies.ReadOrOperate);

        wans.MapGet("/", async (IWanStore store, CancellationToken ct) =>
                TypedResults.Ok((await store.ListAsync(ct)).Select(w => PppoeSecrets.Mask(w.Value)).ToList()))
            .WithName("ListWans").WithSummary("List the WANs")
            .WithDescription("Every WAN of the pending configuration, in the order they were added. What runs is the applied revision: see GET /api/v1/config/pending.");

        wans.MapGet("/{name}", async (string name, HttpContext http, IWanStore store, CancellationToken ct) =>
            {
                var wan = await store.GetAsync(name, ct);
                http.SetETag(wan.Version);
                return TypedResults.Ok(PppoeSecrets.Mask(wan.Value));
            })
            .WithName("GetWan").WithSummary("Get one WAN")
            .WithDescription("One WAN of the pending configuration. Its ETag is the version to send back in If-Match when changing it.")
            .ReturnsETag().NoSuchWan();

        wans.MapPost("/", async (WanLink wan, HttpContext http, IWanStore store, CancellationToken ct) =>
            {
                var created = await store.CreateAsync(PppoeSecrets.KeepStored(wan, null), http.ChangeContext(), ct);
                http.SetETag(created.Version);
                return TypedResults.Created($"/api/v1/wans/{Uri.EscapeDataString(created.Value.Name)}", PppoeSecrets.Mask(created.Value));
            })
            .WithName("CreateWan").WithSummary("Add a WAN")
            .WithDescription("Adds a WAN to the pending configuration; it is used once the configuration is applied. Fields left out take their defaults. " +
                $"A PPPoE password is write-only: answers show it as `{SettingsApi.SecretMask}`.")
            .ReturnsETag().InvalidWan().Refused(StatusCodes.Status409Conflict, "A WAN of that name exists already.");

        wans.MapPut("/{name}", async (string name, WanLink wan, HttpContext http, IWanStore store, CancellationToken ct) =>
            {
                var body = string.IsNullOrEmpty(wan.Name) ? wan with { Name = name } : wan;
                body = PppoeSecrets.KeepStored(body, (await store.GetAsync(name, ct)).Value);
                var updated = await store.UpdateAsync(name, body, http.IfMatchVersion(), http.ChangeContext(), ct);
                http.SetETag(updated.Version);
                return TypedResults.Ok(PppoeSecrets.Mask(updated.Value));
            })
            .WithName("UpdateWan").WithSummary("Replace a WAN")
            .WithDescription("Replaces every field of the WAN (the name may be left out, and cannot change: rules and history refer to it). " +
                "Send the ETag of what was read in If-Match to be refused instead of overwriting someone else's change. " +
                $"A PPPoE password of `{SettingsApi.SecretMask}` keeps the stored one.")
            .ReturnsETag().InvalidWan().NoSuchWan().AcceptsIfMatch("the WAN");

        wans.MapDelete("/{name}", async (string name, HttpContext http, IWanStore store, CancellationToken ct) =>
            {
                await store.DeleteAsync(name, http.IfMatchVersion(), http.ChangeContext(), ct);
                return TypedResults.NoContent();
            })
            .WithName("DeleteWan").WithSummary("Remove a WAN")
            .WithDescription("Removes the WAN from the pending configuration. A WAN that a rule names cannot be removed: change or delete those rules first.")
            .NoSuchWan().AcceptsIfMatch("the WAN").Refused(StatusCodes.Status409Conflict, "A rule uses the WAN.");

        MapRenew(wans);
    }

    private static void MapRenew(RouteGroupBuilder wans)
    {
        wans.MapPost("/{name}/renew", async (string name, IWanStore store, IWanAddressControl control, CancellationToken ct) =>
            {
                // Unknown to the pending configuration: 404 like every other WAN path.
                await store.GetAsync(name, ct);
                if (!await control.RenewAsync(name, ct))
                {
                    throw new ConfigConflictException($"WAN '{name}' has nothing to renew: it is not running, or its addressing is static.");
                }
                return TypedResults.Accepted((string?)null);
            })
            .WithName("RenewWan").WithSummary("Renew a WAN's address")
            .WithDescription("Asks the running engine to renew the WAN's DHCP lease, or to restart its PPPoE session. The answer comes at once; " +
                "GET /api/v1/status shows the new lease or session when it is there.")
            .Produces(StatusCodes.Status202Accepted)
            .NoSuchWan()
            .Refused(StatusCodes.Status409Conflict, "The WAN is not running, or its addressing is static: there is nothing to renew.");
    }

    private static RouteHandlerBuilder NoSuchWan(this RouteHandlerBuilder builder) =>
        builder.Refused(StatusCodes.Status404NotFound, "No WAN has this name.");

    private static RouteHandlerBuilder InvalidWan(this RouteHandlerBuilder builder) =>
        builder.RefusedInvalid("The WAN is invalid, or would make the configuration invalid: `errors` names every field to fix.");
}
