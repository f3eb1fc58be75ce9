using Microsoft.OpenApi;

namespace Appliance.Web.Api.OpenApi;

/// <summary>The API's areas: each endpoint group's tag, and what the document says about it.</summary>
internal static class ApiTags
{
    public const string Wans = "WANs";
    public const string Rules = "Rules";
    public const string Settings = "Settings";
    public const string Ports = "Ports";
    public const string Lan = "LAN";
    public const string Configuration = "Configuration";
    public const string HubEdges = "Hub edges";
    public const string Status = "Status";
    public const string SignIn = "Sign-in";
    public const string Users = "Users";
    public const string Tokens = "API tokens";
    public const string System = "System";
    public const string Firmware = "Firmware";

    private static readonly (string Name, string Description)[] All =
    [
        (Wans, "The internet uplinks of the pending configuration. Edits take effect when the configuration is applied."),
        (Rules, "The ordered traffic rules of the pending configuration: which sessions are balanced, bonded or pinned to a WAN."),
        (Settings, "The role, LAN and hub settings of the pending configuration."),
        (Ports, "The box's Ethernet ports as found, with the roles the pending configuration gives them (lan, wan, management, unused)."),
        (Lan, "The LAN of the pending configuration (addresses, DHCP server, DNS forwarder, local domain) and the DHCP leases handed out now."),
        (Configuration, "Apply the pending configuration as a numbered revision (optionally with commit-confirm), confirm it, roll back, export and import."),
        (HubEdges, "On a hub: the edges it accepts. Changes take effect at once, without apply."),
        (Status, "Live engine and per-WAN state, link history, WAN state changes and the audit trail."),
        (SignIn, "First-run setup, sign-in and sign-out with the session cookie, the caller, the antiforgery token and password changes."),
        (Users, "Who may sign in, and with which role. Admins only."),
        (Tokens, "Bearer tokens for automation: anyone signed in manages their own, admins all."),
        (System, "The certificate HTTPS presents. Admins only."),
        (Firmware, "Upload and check a RAUC bundle, install it into the other slot and reboot into it. Admins only."),
    ];

    /// <summary>Gives every tag the document uses its description, in the order above.</summary>
    public static void Describe(OpenApiDocument document)
    {
        var used = document.Tags?.Select(t => t.Name).ToHashSet() ?? [];
        document.Tags = new HashSet<OpenApiTag>(All.Where(t => used.Contains(t.Name)).Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
        var unknown = used.Except(All.Select(t => t.Name)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException($"Tags without a description in {nameof(ApiTags)}: {string.Join(", ", unknown)}");
        }
    }
}
