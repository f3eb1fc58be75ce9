using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Web.Api.OpenApi;
using Appliance.Web.Security;

namespace Appliance.Web.Api;

/// <summary>/api/v1/settings: role, LAN and hub settings. The hub key is write-only.</summary>
internal static class SettingsApi
{
    /// <summary>Shown instead of a stored secret; sending it back keeps the stored value.</summary>
    public const string SecretMask = "********";

    public static void MapSettingsApi(this RouteGroupBuilder api)
    {
        var settings = api.MapGroup("/settings").WithTags(ApiTags.Settings).RequireAuthorization(AppPolicies.ReadOrOperate);

        settings.MapGet("/", async (HttpContext http, IConfigStore store, CancellationToken ct) =>
            {
                var current = await store.GetSettingsAsync(ct);
                http.SetETag(current.Version);
                return TypedResults.Ok(Mask(current.Value));
            })
            .WithName("GetSettings").WithSummary("Get the settings")
            .WithDescription($"The pending role, LAN and hub settings. The hub key is shown as `{SecretMask}`.")
            .ReturnsETag();

        settings.MapPut("/", async (ApplianceSettings body, HttpContext http, IConfigStore store, CancellationToken ct) =>
            {
                var current = await store.GetSettingsAsync(ct);
                if (body.Hub?.Key == SecretMask)
                {
                    body = body with { Hub = body.Hub with { Key = current.Value.Hub.Key } };
                }
                var updated = await store.UpdateSettingsAsync(body, http.IfMatchVersion(), http.ChangeContext(), ct);
                http.SetETag(updated.Version);
                return TypedResults.Ok(Mask(updated.Value));
            })
            .WithName("UpdateSettings").WithSummary("Replace the settings")
            .WithDescription($"Replaces the pending settings; they take effect when the configuration is applied. Send the masked key (`{SecretMask}`) back to keep the stored one.")
            .ReturnsETag().AcceptsIfMatch("the settings")
            .RefusedInvalid("The settings are invalid: `errors` names every field to fix.");
    }

    private static ApplianceSettings Mask(ApplianceSettings s) =>
        s.Hub?.Key is null ? s : s with { Hub = s.Hub with { Key = SecretMask } };

    /// <summary>The configuration as it may be shown: the hub key and PPPoE passwords replaced by the mask.</summary>
    public static ApplianceConfig MaskSecrets(ApplianceConfig config) =>
        config with { Settings = Mask(config.Settings), Wans = PppoeSecrets.Mask(config.Wans) };
}
