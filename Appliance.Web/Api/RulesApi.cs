using Appliance.Data.Store;
using Appliance.Engine.Configuration;

using Appliance.Web.Security;

namespace Appliance.Web.Api;

/// <summary>/api/v1/rules: the ordered traffic rules of the pending configuration.</summary>
internal static class RulesApi
{
    public static void MapRulesApi(this RouteGroupBuilder api)
    {
        var rules = api.MapGroup("/rules").WithTags("Rules").RequireAuthorization(AppPolicies.ReadOrOperate);

        rules.MapGet("/", async (IRuleStore store, CancellationToken ct) =>
                TypedResults.Ok((await store.ListAsync(ct)).Select(r => r.Value).ToList()))
            .WithName("ListRules").WithSummary("List the rules in evaluation order");

        rules.MapGet("/{id:int}", async (int id, HttpContext http, IRuleStore store, CancellationToken ct) =>
            {
                var rule = await store.GetAsync(id, ct);
                http.SetETag(rule.Version);
                return TypedResults.Ok(rule.Value);
            })
            .WithName("GetRule").WithSummary("Get one rule")
            .ProducesProblem(StatusCodes.Status404NotFound);

        rules.MapPost("/", async (Rule rule, int? position, HttpContext http, IRuleStore store, CancellationToken ct) =>
            {
                var created = await store.CreateAsync(rule, position, http.ChangeContext(), ct);
                http.SetETag(created.Version);
                return TypedResults.Created($"/api/v1/rules/{created.Value.Id}", created.Value);
            })
            .WithName("CreateRule").WithSummary("Add a rule at ?position= (0 = first; default last); the id is assigned")
            .ProducesValidationProblem();

        rules.MapPut("/{id:int}", async (int id, Rule rule, int? position, HttpContext http, IRuleStore store, CancellationToken ct) =>
            {
                var updated = await store.UpdateAsync(id, rule, position, http.IfMatchVersion(), http.ChangeContext(), ct);
                http.SetETag(updated.Version);
                return TypedResults.Ok(updated.Value);
            })
            .WithName("UpdateRule").WithSummary("Replace a rule, and move it when ?position= is given")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);

        rules.MapDelete("/{id:int}", async (int id, HttpContext http, IRuleStore store, CancellationToken ct) =>
            {
                await store.DeleteAsync(id, http.IfMatchVersion(), http.ChangeContext(), ct);
                return TypedResults.NoContent();
            })
            .WithName("DeleteRule").WithSummary("Remove a rule")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }
}
