using System.Net;
using System.Threading.RateLimiting;
using Appliance.Data.Store;
using Appliance.Data.Store.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Appliance.Web.Security;

/// <summary>Accounts, sign-in (cookie for the UI, bearer tokens for automation), roles, HTTPS and security headers.</summary>
public static class SecurityServiceCollectionExtensions
{
    /// <summary>Picks the bearer handler when the request carries a bearer token, the cookie otherwise.</summary>
    public const string Scheme = "Appliance";
    public const string SignInRateLimit = "sign-in";

    public static WebApplicationBuilder AddApplianceSecurity(this WebApplicationBuilder builder, string dataDirectory)
    {
        var section = builder.Configuration.GetSection(SecurityOptions.Section);
        builder.Services.Configure<SecurityOptions>(section);
        var options = section.Get<SecurityOptions>() ?? new SecurityOptions();
        AddAccounts(builder.Services);
        builder.Services.Configure<AuditOptions>(builder.Configuration.GetSection(AuditOptions.Section));
        builder.Services.TryAddSingleton<ICallerRoles, StoredCallerRoles>();
        builder.Services.AddScoped<CurrentUserGuard>();
        builder.Services.AddSingleton(new LockoutPolicy(Math.Max(1, options.LockoutFailures), TimeSpan.FromMinutes(Math.Max(1, options.LockoutMinutes))));

        // Created (or loaded) now: Kestrel asks for it on every TLS handshake, and an upload replaces it in place.
        var certificate = new HttpsCertificate(options.CertificatePath ?? Path.Combine(dataDirectory, "https.pfx"));
        builder.Services.AddSingleton(certificate);
        builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => h.ServerCertificateSelector = (_, _) => certificate.Current));

        builder.Services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Cookie or bearer token", o => o.ForwardDefaultSelector = context =>
                ApiTokenAuthenticationHandler.TokenOf(context.Request) is not null
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o => ConfigureCookie(o, options));
        builder.Services.AddAuthorization(AppPolicies.Add);
        builder.Services.AddSingleton<IAuthorizationHandler, ReadOrOperateHandler>();
        builder.Services.AddAntiforgery(o =>
        {
            o.HeaderName = CookieAntiforgeryMiddleware.HeaderName;
            o.Cookie.Name = "appliance.xsrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Per IPv4 address or IPv6 /64: a host that owns a /64 could otherwise take a new address for every try.
            o.AddPolicy(SignInRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                ClientPartition.Of(context.Connection.RemoteIpAddress),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, options.SignInAttemptsPerMinute), Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                return ValueTask.CompletedTask;
            };
        });
        return builder;
    }

    /// <summary>Users and their password hasher (also for the console commands).</summary>
    public static IServiceCollection AddAccounts(IServiceCollection services)
    {
        services.TryAddSingleton<IPasswordHashing, IdentityPasswordHashing>();
        services.TryAddSingleton<AccountStore>();
        services.AddHostedService<FailedSignInFlush>();
        return services;
    }

    /// <summary>Security headers, HTTPS redirection (except on loopback), authentication, rate limits, authorization, antiforgery.</summary>
    public static WebApplication UseApplianceSecurity(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        // Plain HTTP is for development on the box itself; anything arriving over the network is sent to HTTPS.
        app.UseWhen(context => !ArrivedOnLoopback(context), branch => branch.UseHttpsRedirection());
        app.UseRouting();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseMiddleware<CookieAntiforgeryMiddleware>();
        return app;
    }

    /// <summary>The request reached a loopback address of the appliance (or the in-memory test server, which has none).</summary>
    public static bool ArrivedOnLoopback(HttpContext context) =>
        context.Connection.LocalIpAddress is not { } local || IPAddress.IsLoopback(local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local);

    private static void ConfigureCookie(CookieAuthenticationOptions o, SecurityOptions options)
    {
        o.Cookie.Name = "appliance.session";
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Strict;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.ExpireTimeSpan = TimeSpan.FromHours(Math.Max(1, options.SessionHours));
        o.SlidingExpiration = true;
        o.LoginPath = "/login";
        o.LogoutPath = "/logout";
        o.Events.OnRedirectToLogin = context =>
        {
            if (IsApi(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                return Task.CompletedTask;
            }
            context.Response.Redirect(context.RedirectUri);
            return Task.CompletedTask;
        };
        o.Events.OnRedirectToAccessDenied = context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        };
        // A password or role change (or a deleted user) ends the sessions that were signed in before it.
        o.Events.OnValidatePrincipal = async context =>
        {
            var roles = context.HttpContext.RequestServices.GetRequiredService<ICallerRoles>();
            if (context.Principal is not { } principal
                || await roles.CurrentRoleAsync(principal, context.HttpContext.RequestAborted) is not { } role
                || role != AppPolicies.RoleOf(principal))
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            }
        };
    }

    /// <summary>Machine endpoints answer 401/403; only pages redirect to the sign-in page.</summary>
    private static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/openapi") || request.Path.StartsWithSegments("/hubs")
        || request.Path.StartsWithSegments("/metrics");
}
