using Appliance.Data.Entities;
using Appliance.Data.Store.Security;
using Appliance.Web.Api.OpenApi;
using Appliance.Web.Security;

namespace Appliance.Web.Api;

/// <summary>
/// /api/v1/tokens: bearer tokens for automation. Anyone signed in manages their own; admins see and revoke all.
/// A token never gets a role above its creator's, and its secret appears only in the answer that created it. Only a
/// signed-in user creates tokens: a token that could mint tokens would escape its own expiry and revocation.
/// </summary>
internal static class TokensApi
{
    /// <param name="ExpiresAt">When it stops working; null for no expiry.</param>
    public sealed record TokenCreate(string? Name, UserRole Role = UserRole.Viewer, DateTimeOffset? ExpiresAt = null);

    public static void MapTokensApi(this RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/tokens").WithTags(ApiTags.Tokens).RequireAuthorization(AppPolicies.Viewer);

        tokens.MapGet("/", async (HttpContext http, ApiTokenStore store, CancellationToken ct) =>
                TypedResults.Ok(await store.ListAsync(IsAdmin(http) ? null : http.User.Identity!.Name, ct)))
            .WithName("ListTokens").WithSummary("List tokens")
            .WithDescription("The caller's tokens (an admin's: everyone's), newest first, with role, expiry, last use and revocation; never the secrets.");

        tokens.MapPost("/", async (TokenCreate body, HttpContext http, ApiTokenStore store, CancellationToken ct) =>
            {
                // A malformed request is a 400 whoever sends it; a well-formed one from a token is refused.
                var request = new NewApiToken(body.Name ?? "", body.Role, body.ExpiresAt);
                store.Validate(request);
                if (AppPolicies.IsToken(http.User))
                {
                    return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                        detail: "A token cannot create tokens: sign in as a user, or use the console command `token create` on the appliance.");
                }
                if (body.Role > AppPolicies.RoleOf(http.User))
                {
                    return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                        detail: $"A token cannot have more rights than its creator ({AppPolicies.RoleName(AppPolicies.RoleOf(http.User))}).");
                }
                var created = await store.CreateAsync(request, http.ChangeContext(), ct);
                return Results.Created($"/api/v1/tokens/{created.Info.Id}", created);
            })
            .WithName("CreateToken").WithSummary("Create a token")
            .WithDescription(
                "Only a signed-in user (the session cookie) creates tokens; a valid request authenticated with a token gets 403. " +
                "The role may not exceed the creator's, and the token never does more than its creator may do at the time it is used: " +
                "its effective role is the lower of its own and the creator's current role, and deleting the creator revokes it. " +
                "Names are unique among the creator's tokens that are not revoked. The answer is the only time the secret is shown.")
            .Produces<CreatedApiToken>(StatusCodes.Status201Created)
            .RefusedInvalid("The name, role or expiry is not acceptable: `errors` says why.")
            .Refused(StatusCodes.Status403Forbidden, "The caller is a token, or the role asked for is above the caller's.")
            .Refused(StatusCodes.Status409Conflict, "The caller has a token of that name that is not revoked.");

        tokens.MapGet("/{id:int}", async (int id, HttpContext http, ApiTokenStore store, CancellationToken ct) =>
            {
                var token = await store.GetAsync(id, ct);
                return Mine(http, token) ? Results.Ok(token) : NotYours();
            })
            .WithName("GetToken").WithSummary("Get one token")
            .WithDescription("One token's name, role, creator, expiry, last use and revocation; never its secret.")
            .Produces<ApiTokenInfo>().NotYoursDocumented();

        tokens.MapDelete("/{id:int}", async (int id, HttpContext http, ApiTokenStore store, CancellationToken ct) =>
            {
                var token = await store.GetAsync(id, ct);
                return Mine(http, token) ? Results.Ok(await store.RevokeAsync(id, http.ChangeContext(), ct)) : NotYours();
            })
            .WithName("RevokeToken").WithSummary("Revoke a token")
            .WithDescription("Revokes the token: it is refused from the next request on. Revoking a revoked token changes nothing. The answer is the token as it is now.")
            .Produces<ApiTokenInfo>().NotYoursDocumented();
    }

    private static bool IsAdmin(HttpContext http) => AppPolicies.RoleOf(http.User) == UserRole.Admin;

    private static bool Mine(HttpContext http, ApiTokenInfo token) => IsAdmin(http) || token.CreatedBy == http.User.Identity?.Name;

    private static RouteHandlerBuilder NotYoursDocumented(this RouteHandlerBuilder builder) =>
        builder.Refused(StatusCodes.Status404NotFound, "No token has this id among the caller's (an admin's: any).");

    // Not 403: whether someone else's token with this id exists is none of the caller's business.
    private static IResult NotYours() => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No such token among yours.");
}
