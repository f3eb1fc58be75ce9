using Appliance.Data.Store;
using Appliance.Engine.Configuration;

using Appliance.Web.Security;

namespace Appliance.Web.Api;

/// <summary>/api/v1/config: apply, commit-confirm, rollback, revision history, export and import.</summary>
internal static class ConfigApi
{
    /// <summary>Body of apply and rollback.</summary>
    /// <param name="Comment">Why the change is made; shown in the history.</param>
    /// <param name="ConfirmSeconds">When &gt; 0 the change reverts by itself unless confirmed within this many seconds.</param>
    public sealed record ApplyRequest(string? Comment, int ConfirmSeconds = 0);

    public static void MapConfigApi(this RouteGroupBuilder api)
    {
        var config = api.MapGroup("/config").WithTags("Configuration").RequireAuthorization(AppPolicies.ReadOrOperate);

        config.MapGet("/revisions", async (IRevisionLog revisions, CancellationToken ct) => TypedResults.Ok(await revisions.ListAsync(ct)))
            .WithName("ListRevisions").WithSummary("Revision history, newest first");

        config.MapGet("/revisions/{id:long}", async (long id, IRevisionLog revisions, CancellationToken ct) =>
            {
                var revision = await revisions.GetAsync(id, ct);
                return TypedResults.Ok(revision with { Config = SettingsApi.MaskSecrets(revision.Config) });
            })
            .WithName("GetRevision").WithSummary("One revision with the configuration it holds (the hub key masked)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        config.MapGet("/pending", async (IConfigStore store, CancellationToken ct) => TypedResults.Ok(await store.GetPendingStatusAsync(ct)))
            .WithName("GetPendingStatus").WithSummary("Whether the pending configuration differs from the running revision");

        config.MapPost("/apply", async (ApplyRequest? request, HttpContext http, IRevisionLog revisions, CancellationToken ct) =>
                TypedResults.Ok(await revisions.ApplyAsync(request?.Comment, request?.ConfirmSeconds ?? 0, http.ChangeContext(), ct)))
            .WithName("Apply").WithSummary("Apply the pending configuration as a new revision")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);

        config.MapPost("/confirm", async (HttpContext http, IRevisionLog revisions, CancellationToken ct) =>
                TypedResults.Ok(await revisions.ConfirmAsync(http.ChangeContext(), ct)))
            .WithName("Confirm").WithSummary("Keep the revision that is waiting for confirmation")
            .ProducesProblem(StatusCodes.Status409Conflict);

        config.MapPost("/rollback/{id:long}", async (long id, ApplyRequest? request, HttpContext http, IRevisionLog revisions, CancellationToken ct) =>
                TypedResults.Ok(await revisions.RollbackAsync(id, request?.Comment, request?.ConfirmSeconds ?? 0, http.ChangeContext(), ct)))
            .WithName("Rollback").WithSummary("Run an earlier revision again, as a new revision")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

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
            .WithName("Export").WithSummary("The whole pending configuration as one JSON document; the hub key masked unless an admin asks with ?includeSecrets=true")
            .ProducesProblem(StatusCodes.Status403Forbidden);

        config.MapPost("/import", async (ApplianceConfig document, HttpContext http, IConfigStore store, CancellationToken ct) =>
            {
                // A masked export imported again keeps the stored hub key.
                if (document.Settings?.Hub?.Key == SettingsApi.SecretMask)
                {
                    var stored = (await store.GetSettingsAsync(ct)).Value.Hub.Key;
                    document = document with { Settings = document.Settings with { Hub = document.Settings.Hub with { Key = stored } } };
                }
                await store.ImportAsync(document, http.ChangeContext(), ct);
                return TypedResults.Ok(SettingsApi.MaskSecrets(await store.GetPendingAsync(ct)));
            })
            .WithName("Import").WithSummary("Replace the pending configuration; an invalid document changes nothing; a masked hub key keeps the stored one")
            .ProducesValidationProblem();
    }
}
