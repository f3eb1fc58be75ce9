using System.Security.Claims;
using Appliance.Data.Store;
using Appliance.Data.Store.Security;
using Appliance.Web.Api.OpenApi;
using Appliance.Web.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Appliance.Web.Api;

/// <summary>/api/v1/auth: first-run setup, sign-in and sign-out with the session cookie, who am I, the antiforgery token.</summary>
internal static class AuthApi
{
    public sealed record Credentials(string? UserName, string? Password);

    public sealed record PasswordChange(string? CurrentPassword, string? NewPassword);

    /// <param name="Kind">user (signed in with a password) or token.</param>
    public sealed record Caller(string Name, string Role, string Kind);

    /// <param name="SetupRequired">True until the first admin is created: the appliance ships without a password.</param>
    public sealed record SignInStatus(bool SetupRequired);

    /// <param name="HeaderName">The header that carries the token.</param>
    /// <param name="Token">The token for this session.</param>
    public sealed record AntiforgeryToken(string HeaderName, string? Token);

    public static void MapAuthApi(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags(ApiTags.SignIn);

        auth.MapGet("/status", async (AccountStore accounts, CancellationToken ct) => TypedResults.Ok(new SignInStatus(!await accounts.HasUsersAsync(ct))))
            .AllowAnonymous()
            .WithName("GetSignInStatus").WithSummary("Whether setup is needed")
            .WithDescription("Whether the appliance still needs its first admin (POST /api/v1/auth/setup). Needs no credentials.");

        auth.MapPost("/setup", async (Credentials body, HttpContext http, AccountStore accounts, CancellationToken ct) =>
            {
                await accounts.SetupAsync(body.UserName ?? "", body.Password ?? "", http.ChangeContext(), ct);
                return await SignInAsync(http, accounts, body, ct);
            })
            .AllowAnonymous().RequireRateLimiting(SecurityServiceCollectionExtensions.SignInRateLimit)
            .WithName("Setup").WithSummary("Create the first admin")
            .WithDescription("On a fresh appliance: creates the first admin with this name and password and signs in (sets the session cookie). " +
                "Refused once any user exists. Needs no credentials.")
            .Produces<Caller>()
            .RefusedInvalid("The user name or password is not acceptable: `errors` says why.")
            .Refused(StatusCodes.Status409Conflict, "The appliance has a user already; sign in instead.");

        auth.MapPost("/login", (Credentials body, HttpContext http, AccountStore accounts, CancellationToken ct) => SignInAsync(http, accounts, body, ct))
            .AllowAnonymous().RequireRateLimiting(SecurityServiceCollectionExtensions.SignInRateLimit)
            .WithName("Login").WithSummary("Sign in")
            .WithDescription("Checks the user name and password and sets the session cookie, for a browser. Automation uses a bearer token instead. " +
                "Repeated failures lock the account for a while.")
            .Produces<Caller>()
            .Refused(StatusCodes.Status401Unauthorized, "Wrong user name or password.")
            .Refused(StatusCodes.Status423Locked, "Too many failed sign-ins: the account is locked until the time the detail names.");

        auth.MapPost("/logout", async (HttpContext http, IAuditLog audit, CancellationToken ct) =>
            {
                await SignOutAsync(http, audit, ct);
                return TypedResults.NoContent();
            })
            .WithName("Logout").WithSummary("Sign out")
            .WithDescription("Ends the session of the cookie it is sent with. With a bearer token it does nothing (revoke the token instead).");

        auth.MapGet("/me", (HttpContext http) => TypedResults.Ok(CallerOf(http.User)))
            .WithName("GetCaller").WithSummary("Who am I")
            .WithDescription("Who the request is authenticated as, with which role, and whether by password (user) or token.");

        auth.MapGet("/antiforgery", (HttpContext http, IAntiforgery antiforgery) =>
                TypedResults.Ok(new AntiforgeryToken(CookieAntiforgeryMiddleware.HeaderName, antiforgery.GetAndStoreTokens(http).RequestToken)))
            .WithName("GetAntiforgeryToken").WithSummary("Get the antiforgery token")
            .WithDescription($"The token a browser session sends in {CookieAntiforgeryMiddleware.HeaderName} with every change; " +
                "it also sets the cookie the token is checked against. Bearer token callers need none.");

        auth.MapPut("/password", async (PasswordChange body, HttpContext http, AccountStore accounts, CancellationToken ct) =>
            {
                if (AppPolicies.IsToken(http.User))
                {
                    return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "A token has no password; sign in as the user.");
                }
                var name = http.User.Identity!.Name!;
                if ((await accounts.SignInAsync(name, body.CurrentPassword ?? "", http.Source(), ct)).Outcome != LoginOutcome.Succeeded)
                {
                    return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "The current password is not right.");
                }
                await accounts.UpdateAsync(name, new UserUpdate(Password: body.NewPassword ?? ""), http.ChangeContext(), ct);
                // The stamp changed: sign in again so this session goes on while the others end.
                return await SignInAsync(http, accounts, new Credentials(name, body.NewPassword), ct);
            })
            .WithName("ChangeOwnPassword").WithSummary("Change your password")
            .WithDescription("Changes the signed-in user's own password, given the current one. This session goes on with a new cookie; the user's other sessions end.")
            .Produces<Caller>()
            .RefusedInvalid("The new password is not acceptable: `errors` says why.")
            .Refused(StatusCodes.Status403Forbidden, "The current password is wrong, or the caller is a token (tokens have no password).");
    }

    public static Caller CallerOf(ClaimsPrincipal user) =>
        new(user.Identity?.Name ?? "", user.FindFirstValue(ClaimTypes.Role) ?? "", user.FindFirstValue(AppPolicies.KindClaim) ?? "");

    /// <summary>Checks the password and, when it is right, issues the session cookie.</summary>
    public static async Task<IResult> SignInAsync(HttpContext http, AccountStore accounts, Credentials body, CancellationToken ct)
    {
        var result = await accounts.SignInAsync(body.UserName ?? "", body.Password ?? "", http.Source(), ct);
        switch (result.Outcome)
        {
            case LoginOutcome.LockedOut:
                return Results.Problem(statusCode: StatusCodes.Status423Locked, title: "Account locked",
                    detail: $"Too many failed sign-ins; try again after {result.LockedUntil:u}.");
            case LoginOutcome.Failed:
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", detail: "Wrong user name or password.");
        }
        var user = result.User!;
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, user.UserName),
                new Claim(ClaimTypes.Role, AppPolicies.RoleName(user.Role)),
                new Claim(AppPolicies.KindClaim, AppPolicies.UserKind),
                new Claim(AppPolicies.StampClaim, result.SecurityStamp!),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme);
        var principal = new ClaimsPrincipal(identity);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal, new AuthenticationProperties { IsPersistent = false });
        http.User = principal;
        return Results.Ok(CallerOf(principal));
    }

    public static async Task SignOutAsync(HttpContext http, IAuditLog audit, CancellationToken ct)
    {
        if (!AppPolicies.IsToken(http.User))
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            await audit.RecordAsync(http.ChangeContext(), "logout", $"user {http.User.Identity?.Name}", "", ct);
        }
    }
}
