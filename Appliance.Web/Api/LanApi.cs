using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Engine.Network;
using Appliance.Web.Api.OpenApi;
using Appliance.Web.Security;

namespace Appliance.Web.Api;

/// <summary>/api/v1/lan: the LAN section of the settings, and the DHCP leases handed out now.</summary>
internal static class LanApi
{
    public static void MapLanApi(this RouteGroupBuilder api)
    {
        var lan = api.MapGroup("/lan").WithTags(ApiTags.Lan).RequireAuthorization(AppPolicies.ReadOrOperate);

        lan.MapGet("/", async (HttpContext http, IConfigStore store, CancellationToken ct) =>
            {
                var settings = await store.GetSettingsAsync(ct);
                http.SetETag(settings.Version);
                return TypedResults.Ok(settings.Value.Lan);
            })
            .WithName("GetLan").WithSummary("Get the LAN settings")
            .WithDescription("The pending LAN: the appliance's addresses on it, further LAN interfaces, DHCP server, DNS forwarder and local domain. " +
                "The ETag is the settings' version (the LAN is part of them).")
            .ReturnsETag();

        lan.MapPut("/", async (LanSettings body, HttpContext http, IConfigStore store, CancellationToken ct) =>
            {
                var current = await store.GetSettingsAsync(ct);
                var updated = await store.UpdateSettingsAsync(current.Value with { Lan = body }, http.IfMatchVersion(), http.ChangeContext(), ct);
                http.SetETag(updated.Version);
                return TypedResults.Ok(updated.Value.Lan);
            })
            .WithName("UpdateLan").WithSummary("Replace the LAN settings")
            .WithDescription("Replaces the LAN section of the pending settings; the rest of the settings stay. It takes effect when the configuration " +
                "is applied: apply a change of the LAN's addresses with commit-confirm, since it can cut off the admin's own connection.")
            .ReturnsETag().AcceptsIfMatch("the settings")
            .RefusedInvalid("The LAN settings are invalid: `errors` names every field to fix (paths start with `settings.lan`); nothing was changed.");

        lan.MapGet("/leases", async (ILanLeaseReader leases, CancellationToken ct) => TypedResults.Ok(await leases.ReadAsync(ct)))
            .WithName("ListLanLeases").WithSummary("List the DHCP leases")
            .WithDescription("The leases the LAN's DHCP server holds now: MAC, address, the host name the client gave, expiry (null: never) and " +
                "whether it is a static lease. Empty while the DHCP server is off.");
    }
}
