using System.Net;
using Appliance.Data.Store;
using Appliance.Data.Store.Security;
using Appliance.Web.Api;
using Appliance.Web.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace Appliance.Web.Pages;

/// <summary>
/// The sign-in pages of the browser UI: first-run setup of the admin, sign-in and sign-out, as plain HTML forms with
/// antiforgery tokens. Every other page needs a session and redirects here without one.
/// </summary>
internal static class SignInPages
{
    public static IEndpointRouteBuilder MapSignInPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login", async (string? returnUrl, HttpContext http, AccountStore accounts, IAntiforgery antiforgery, CancellationToken ct) =>
                await accounts.HasUsersAsync(ct)
                    ? Page("Sign in", Form(http, antiforgery, "/login", returnUrl, "Sign in", null))
                    : Results.Redirect("/setup"))
            .AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/login", async ([FromForm] string? userName, [FromForm] string? password, [FromForm] string? returnUrl,
                HttpContext http, AccountStore accounts, IAntiforgery antiforgery, CancellationToken ct) =>
            {
                var result = await AuthApi.SignInAsync(http, accounts, new AuthApi.Credentials(userName, password), ct);
                if (result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK })
                {
                    return Results.LocalRedirect(SafeReturn(returnUrl));
                }
                var message = result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status423Locked }
                    ? "Too many failed sign-ins: the account is locked for a few minutes."
                    : "Wrong user name or password.";
                return Page("Sign in", Form(http, antiforgery, "/login", returnUrl, "Sign in", message), StatusCodes.Status401Unauthorized);
            })
            .AllowAnonymous().RequireRateLimiting(SecurityServiceCollectionExtensions.SignInRateLimit).ExcludeFromDescription();

        app.MapGet("/setup", async (HttpContext http, AccountStore accounts, IAntiforgery antiforgery, CancellationToken ct) =>
                await accounts.HasUsersAsync(ct)
                    ? Results.Redirect("/login")
                    : Page("Set up the appliance", "<p>This appliance has no admin yet. Choose the admin's name and a password (at least " +
                        $"{AccountStore.MinPasswordLength} characters).</p>" + Form(http, antiforgery, "/setup", null, "Create admin", null)))
            .AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/setup", async ([FromForm] string? userName, [FromForm] string? password,
                HttpContext http, AccountStore accounts, IAntiforgery antiforgery, CancellationToken ct) =>
            {
                try
                {
                    await accounts.SetupAsync(userName ?? "", password ?? "", http.ChangeContext(), ct);
                }
                catch (Appliance.Data.Store.ConfigValidationException ex)
                {
                    var why = string.Join(" ", ex.Errors.ToDictionary().Select(e => $"{e.Key} {string.Join(", ", e.Value)}."));
                    return Page("Set up the appliance", Form(http, antiforgery, "/setup", null, "Create admin", why), StatusCodes.Status400BadRequest);
                }
                catch (Appliance.Data.Store.ConfigConflictException)
                {
                    return Results.Redirect("/login");
                }
                await AuthApi.SignInAsync(http, accounts, new AuthApi.Credentials(userName, password), ct);
                return Results.Redirect("/");
            })
            .AllowAnonymous().RequireRateLimiting(SecurityServiceCollectionExtensions.SignInRateLimit).ExcludeFromDescription();

        app.MapPost("/logout", async (HttpContext http, IAuditLog audit, CancellationToken ct) =>
            {
                await AuthApi.SignOutAsync(http, audit, ct);
                return Results.Redirect("/login");
            })
            .ExcludeFromDescription();

        return app;
    }

    private static string Form(HttpContext http, IAntiforgery antiforgery, string action, string? returnUrl, string button, string? error)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return (error is null ? "" : $"<p class=\"error\" role=\"alert\">{Encode(error)}</p>") +
               $"<form method=\"post\" action=\"{action}\">" +
               $"<input type=\"hidden\" name=\"{Encode(tokens.FormFieldName)}\" value=\"{Encode(tokens.RequestToken)}\">" +
               (returnUrl is null ? "" : $"<input type=\"hidden\" name=\"returnUrl\" value=\"{Encode(returnUrl)}\">") +
               "<label>User name <input name=\"userName\" autocomplete=\"username\" required autofocus></label>" +
               "<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>" +
               $"<button type=\"submit\">{Encode(button)}</button></form>";
    }

    private const string Style =
        "body{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem}label{display:block;margin:.8rem 0}" +
        "input{display:block;width:100%;padding:.4rem;margin-top:.2rem}button{padding:.5rem 1.2rem}.error{color:#b00020}";

    private static IResult Page(string title, string body, int status = StatusCodes.Status200OK) => Results.Content(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
        $"<title>{Encode(title)}</title><style>{Style}</style></head><body><h1>{Encode(title)}</h1>{body}</body></html>\n",
        "text/html; charset=utf-8", statusCode: status);

    /// <summary>Only a path on this appliance: an absolute URL here would make the sign-in page an open redirect.</summary>
    private static string SafeReturn(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";

    private static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");
}
