using System.Security.Claims;
using Appliance.Data.Store;
using Appliance.Data.Store.Security;
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

    public static void MapAuthApi(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Sign-in");

        auth.MapGet("/status", async (AccountStore accounts, CancellationToken ct) => TypedResults.Ok(new { setupRequired = !await accounts.HasUsersAsync(ct) }))
            .AllowAnonymous()
            .WithName("GetSignInStatus").WithSummary("Whether the appliance still needs its first admin (it ships without a password)");

        auth.MapPost("/setup", async (Credentials body, HttpContext http, AccountStore accounts, CancellationToken ct) =>
            {
                await accounts.SetupAsync(body.UserName ?? "", body.Password ?? "", http.ChangeContext(), ct);
                return await SignInAsync(http, accounts, body, ct);
            })
            .AllowAnonymous().RequireRateLimiting(SecurityServiceCollectionExtensions.SignInRateLimit)
            .WithName("Setup").WithSummary("Create the first admin and sign in; refused (409) once any user exists")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);

        auth.MapPost("/login", (Credentials body, HttpContext http, AccountStore accounts, CancellationToken ct) => SignInAsync(http, accounts, body, ct))
            .AllowAnonymous().RequireRateLimiting(SecurityServiceCollectionExtensions.SignInRateLimit)
            .WithName("Login").WithSummary("Sign in with user name and password; sets the session cookie")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status423Locked).ProducesProblem(StatusCodes.Status429TooManyRequests);

        auth.MapPost("/logout", async (HttpContext http, IAuditLog audit, CancellationToken ct) =>
            {
                await SignOutAsync(http, audit, ct);
                return TypedResults.NoContent();
            })
            .WithName("Logout").WithSummary("End the session");

        auth.MapGet("/me", (HttpContext http) => TypedResults.Ok(CallerOf(http.User)))
            .WithName("GetCaller").WithSummary("Who the request is authenticated as, with which role");

        auth.MapGet("/antiforgery", (HttpContext http, IAntiforgery antiforgery) =>
                TypedResults.Ok(new { headerName = CookieAntiforgeryMiddleware.HeaderName, token = antiforgery.GetAndStoreTokens(http).RequestToken }))
            .WithName("GetAntiforgeryToken").WithSummary("The token a browser session sends in X-XSRF-TOKEN with every change");

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
            .WithName("ChangeOwnPassword").WithSummary("Change your own password (other sessions end)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden);
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
