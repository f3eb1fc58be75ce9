using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Web.Api.OpenApi;
using Appliance.Web.Security;

namespace Appliance.Web.Api;

/// <summary>/api/v1/config: apply, commit-confirm, rollback, revision history, export and import.</summary>
internal static class ConfigApi
{
    /// <summary>Body of apply and rollback.</summary>
    /// <param name="Comment">Why the change is made; shown in the history.</param>
    /// <param name="ConfirmSeconds">When &gt; 0 the change reverts by itself unless confirmed within this many seconds.</param>
    public sealed record ApplyRequest(string? Comment = null, int ConfirmSeconds = 0);

    public static void MapConfigApi(this RouteGroupBuilder api)
    {
        var config = api.MapGroup("/config").WithTags(ApiTags.Configuration).RequireAuthorization(AppPolicies.ReadOrOperate);

        config.MapGet("/revisions", async (IRevisionLog revisions, CancellationToken ct) => TypedResults.Ok(await revisions.ListAsync(ct)))
            .WithName("ListRevisions").WithSummary("List the revisions")
            .WithDescription("Every applied revision, newest first, with its status (`pending` while it waits for confirmation, `applied`, `confirmed`, `reverted`, `failed`), author and comment.");

        config.MapGet("/revisions/{id:long}", async (long id, IRevisionLog revisions, CancellationToken ct) =>
            {
                var revision = await revisions.GetAsync(id, ct);
                return TypedResults.Ok(revision with { Config = SettingsApi.MaskSecrets(revision.Config) });
            })
            .WithName("GetRevision").WithSummary("Get one revision")
            .WithDescription($"One revision with the whole configuration it holds; the hub key and PPPoE passwords are shown as `{SettingsApi.SecretMask}`.")
            .NoSuchRevision();

        config.MapGet("/pending", async (IConfigStore store, CancellationToken ct) => TypedResults.Ok(await store.GetPendingStatusAsync(ct)))
            .WithName("GetPendingStatus").WithSummary("Compare pending and running")
            .WithDescription("Whether the pending configuration differs from the running revision, i.e. whether there is something to apply. " +
                "`suggestConfirm` is true when the difference touches the port roles or the LAN (`suggestConfirmReason` says which): " +
                "such a change can cut off the admin's own connection, so apply it with `confirmSeconds`.");

        config.MapPost("/apply", async (ApplyRequest? request, HttpContext http, IRevisionLog revisions, CancellationToken ct) =>
                TypedResults.Ok(await revisions.ApplyAsync(request?.Comment, request?.ConfirmSeconds ?? 0, http.ChangeContext(), ct)))
            .WithName("Apply").WithSummary("Apply the pending configuration")
            .WithDescription("Makes the pending configuration a new revision, which the engine puts in force at once. With `confirmSeconds` > 0 " +
                "(commit-confirm) the revision reverts by itself unless POST /api/v1/config/confirm keeps it in time: a change that cuts " +
                "the admin off undoes itself. The body is optional.")
            .RefusedInvalid("The request is invalid (comment too long, confirmSeconds out of range) or the pending configuration cannot be applied: `errors` says why.")
            .Refused(StatusCodes.Status409Conflict, "Another revision is waiting for confirmation: confirm it or roll back first.");

        config.MapPost("/confirm", async (HttpContext http, IRevisionLog revisions, CancellationToken ct) =>
                TypedResults.Ok(await revisions.ConfirmAsync(http.ChangeContext(), ct)))
            .WithName("Confirm").WithSummary("Confirm the revision on trial")
            .WithDescription("Keeps the revision that was applied with commit-confirm and is waiting for confirmation; it no longer reverts.")
            .Refused(StatusCodes.Status409Conflict, "No revision is waiting for confirmation (none was applied with confirmSeconds, or it reverted already).");

        config.MapPost("/rollback/{id:long}", async (long id, ApplyRequest? request, HttpContext http, IRevisionLog revisions, CancellationToken ct) =>
                TypedResults.Ok(await revisions.RollbackAsync(id, request?.Comment, request?.ConfirmSeconds ?? 0, http.ChangeContext(), ct)))
            .WithName("Rollback").WithSummary("Roll back to a revision")
            .WithDescription("Runs an earlier revision's configuration again as a new revision (optionally with commit-confirm) and makes it the pending " +
                "configuration. A revision waiting for confirmation is abandoned. The body is optional.")
            .RefusedInvalid("The request is invalid, or the revision cannot be applied with this firmware: `errors` says why.")
            .NoSuchRevision();

        config.MapGet("/export", async (bool? includeSecrets, HttpContext http, IConfigStore store, IAuditLog audit, CancellationToken ct) =>
            {
                var pending = await store.GetPendingAsync(ct);
                if (includeSecrets != true)
                {
                    return Results.Ok(SettingsApi.MaskSecrets(pending));
                }
                if (AppPolicies.RoleOf(http.User) != Appliance.Data.Entities.UserRole.Admin)
                {
                    return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "Only an admin can export the secrets.");
                }
                await audit.RecordAsync(http.ChangeContext(), "config.export", "config", "with secrets", ct);
                return Results.Ok(pending);
            })
            .WithName("Export").WithSummary("Export the pending configuration")
            .WithDescription($"The whole pending configuration as one JSON document, ready for POST /api/v1/config/import. The hub key and PPPoE passwords are shown as " +
                $"`{SettingsApi.SecretMask}` unless an admin asks with `?includeSecrets=true` (audited).")
            .Produces<ApplianceConfig>()
            .Refused(StatusCodes.Status400BadRequest, "`?includeSecrets=` is not true or false.")
            .Refused(StatusCodes.Status403Forbidden, "`?includeSecrets=true` from a caller who is not an admin.");

        config.MapPost("/import", async (ApplianceConfig document, HttpContext http, IConfigStore store, CancellationToken ct) =>
            {
                // A masked export imported again keeps the stored hub key.
                if (document.Settings?.Hub?.Key == SettingsApi.SecretMask)
                {
                    var stored = (await store.GetSettingsAsync(ct)).Value.Hub.Key;
                    document = document with { Settings = document.Settings with { Hub = document.Settings.Hub with { Key = stored } } };
                }
                // So do masked PPPoE passwords, for the WAN of the same name.
                if (document.Wans is not null)
                {
                    document = document with { Wans = PppoeSecrets.KeepStored(document.Wans, (await store.GetPendingAsync(ct)).Wans) };
                }
                await store.ImportAsync(document, http.ChangeContext(), ct);
                return TypedResults.Ok(SettingsApi.MaskSecrets(await store.GetPendingAsync(ct)));
            })
            .WithName("Import").WithSummary("Import a configuration")
            .WithDescription($"Replaces the whole pending configuration (WANs, rules, settings) with the document; nothing runs until it is applied. " +
                $"An invalid document changes nothing. A hub key of `{SettingsApi.SecretMask}` keeps the stored key, and a PPPoE password of `{SettingsApi.SecretMask}` the stored password of the WAN of that name. The answer is the new pending configuration.")
            .RefusedInvalid("The document is invalid: `errors` names every field to fix; nothing was changed.");
    }

    private static RouteHandlerBuilder NoSuchRevision(this RouteHandlerBuilder builder) =>
        builder.Refused(StatusCodes.Status404NotFound, "No revision has this id.");
}
