using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Engine.Network;
using Appliance.Web.Api.OpenApi;
using Appliance.Web.Security;

namespace Appliance.Web.Api;

/// <summary>/api/v1/ports: the box's ports as found, joined with the roles of the pending configuration.</summary>
internal static class PortsApi
{
    public static void MapPortsApi(this RouteGroupBuilder api)
    {
        var ports = api.MapGroup("/ports").WithTags(ApiTags.Ports).RequireAuthorization(AppPolicies.ReadOrOperate);

        ports.MapGet("/", async (HttpContext http, IConfigStore store, IPortInventory inventory, CancellationToken ct) =>
            {
                var roles = await store.GetPortsAsync(ct);
                http.SetETag(roles.Version);
                return TypedResults.Ok(PortStates.Join(roles.Value, await inventory.DiscoverAsync(ct)));
            })
            .WithName("ListPorts").WithSummary("List the ports")
            .WithDescription("Every port with a role in the pending configuration, in its order (one the box does not have now shows `present: false`), " +
                "then every port found that has no role yet, as `unused`. Each with its MAC address, carrier and speed. " +
                "The ETag is the version of the roles, to send back in If-Match when changing them.")
            .ReturnsETag();

        ports.MapPut("/", async (IReadOnlyList<PortConfig> body, HttpContext http, IConfigStore store, IPortInventory inventory, CancellationToken ct) =>
            {
                var updated = await store.UpdatePortsAsync(body, http.IfMatchVersion(), http.ChangeContext(), ct);
                http.SetETag(updated.Version);
                return TypedResults.Ok(PortStates.Join(updated.Value, await inventory.DiscoverAsync(ct)));
            })
            .WithName("UpdatePorts").WithSummary("Replace the port roles")
            .WithDescription("Replaces the roles of the pending configuration with the list (`name` and `role` per port; a port left out has none). " +
                "They take effect when the configuration is applied: apply a change of roles with commit-confirm, since a wrong one can cut off the " +
                "port the admin uses. The answer is the ports as GET lists them.")
            .ReturnsETag().AcceptsIfMatch("the port roles")
            .RefusedInvalid("The roles are invalid, or disagree with the WANs or the LAN: `errors` names every field to fix; nothing was changed.");
    }
}
