using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Web.Api.OpenApi;
using Appliance.Web.Security;

namespace Appliance.Web.Api;

/// <summary>/api/v1/rules: the ordered traffic rules of the pending configuration.</summary>
internal static class RulesApi
{
    public static void MapRulesApi(this RouteGroupBuilder api)
    {
        var rules = api.MapGroup("/rules").WithTags(ApiTags.Rules).RequireAuthorization(AppPolicies.ReadOrOperate);

        rules.MapGet("/", async (IRuleStore store, CancellationToken ct) =>
                TypedResults.Ok((await store.ListAsync(ct)).Select(r => r.Value).ToList()))
            .WithName("ListRules").WithSummary("List the rules")
            .WithDescription("The rules of the pending configuration in evaluation order: the first rule a session matches decides how it is routed.");

        rules.MapGet("/{id:int}", async (int id, HttpContext http, IRuleStore store, CancellationToken ct) =>
            {
                var rule = await store.GetAsync(id, ct);
                http.SetETag(rule.Version);
                return TypedResults.Ok(rule.Value);
            })
            .WithName("GetRule").WithSummary("Get one rule")
            .WithDescription("One rule of the pending configuration. Its ETag is the version to send back in If-Match when changing it.")
            .ReturnsETag().NoSuchRule();

        rules.MapPost("/", async (Rule rule, int? position, HttpContext http, IRuleStore store, CancellationToken ct) =>
            {
                var created = await store.CreateAsync(rule, position, http.ChangeContext(), ct);
                http.SetETag(created.Version);
                return TypedResults.Created($"/api/v1/rules/{created.Value.Id}", created.Value);
            })
            .WithName("CreateRule").WithSummary("Add a rule")
            .WithDescription("Adds a rule at `?position=` (0 = first; default last, larger values too); the appliance assigns its id.")
            .ReturnsETag().InvalidRule();

        rules.MapPut("/{id:int}", async (int id, Rule rule, int? position, HttpContext http, IRuleStore store, CancellationToken ct) =>
            {
                var updated = await store.UpdateAsync(id, rule, position, http.IfMatchVersion(), http.ChangeContext(), ct);
                http.SetETag(updated.Version);
                return TypedResults.Ok(updated.Value);
            })
            .WithName("UpdateRule").WithSummary("Replace a rule")
            .WithDescription("Replaces every field of the rule, and moves it when `?position=` is given. The id in the body is ignored.")
            .ReturnsETag().InvalidRule().NoSuchRule().AcceptsIfMatch("the rule");

        rules.MapDelete("/{id:int}", async (int id, HttpContext http, IRuleStore store, CancellationToken ct) =>
            {
                await store.DeleteAsync(id, http.IfMatchVersion(), http.ChangeContext(), ct);
                return TypedResults.NoContent();
            })
            .WithName("DeleteRule").WithSummary("Remove a rule")
            .WithDescription("Removes the rule from the pending configuration; the rules after it move up.")
            .NoSuchRule().AcceptsIfMatch("the rule");
    }

    private static RouteHandlerBuilder NoSuchRule(this RouteHandlerBuilder builder) =>
        builder.Refused(StatusCodes.Status404NotFound, "No rule has this id.");

    private static RouteHandlerBuilder InvalidRule(this RouteHandlerBuilder builder) =>
        builder.RefusedInvalid("The rule is invalid (e.g. it names a WAN that does not exist): `errors` names every field to fix. Or `?position=` is not a whole number.");
}
