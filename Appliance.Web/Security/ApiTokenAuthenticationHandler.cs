using System.Security.Claims;
using System.Text.Encodings.Web;
using Appliance.Data.Store.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Appliance.Web.Security;

/// <summary>Authenticates <c>Authorization: Bearer apl_…</c> against the token store.</summary>
internal sealed partial class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder, ApiTokenStore tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiToken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (TokenOf(Request) is not { } token)
        {
            return AuthenticateResult.NoResult();
        }
        var source = Context.Connection.RemoteIpAddress?.ToString() ?? "local";
        var (identity, refusal) = await tokens.AuthenticateAsync(token, source, Context.RequestAborted);
        if (identity is null)
        {
            // The reason goes to the log; the client learns only that the token is not accepted.
            LogRefused(Logger, source, refusal ?? "refused");
            return AuthenticateResult.Fail("The bearer token is not valid.");
        }
        var claims = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, "token:" + identity.Name),
                new Claim(ClaimTypes.NameIdentifier, identity.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Claim(ClaimTypes.Role, AppPolicies.RoleName(identity.Role)),
                new Claim(AppPolicies.KindClaim, AppPolicies.TokenKind),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(claims), SchemeName));
    }

    /// <summary>
    /// The bearer token of a request: the Authorization header, or for the live hubs the <c>access_token</c> query
    /// parameter, which is how SignalR clients send it over WebSockets and server-sent events (they cannot set headers).
    /// </summary>
    public static string? TokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }
        return request.Path.StartsWithSegments("/hubs") && request.Query["access_token"].ToString() is { Length: > 0 } query ? query : null;
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // The body is written by the status code pages as problem details.
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bearer token from {Source} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string source, string reason);
}
