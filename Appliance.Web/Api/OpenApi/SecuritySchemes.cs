using Appliance.Web.Security;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Appliance.Web.Api.OpenApi;

/// <summary>
/// Declares how a caller authenticates — a bearer token for automation, the session cookie (with the antiforgery
/// header for changes) for the browser — and which of them each operation takes, from its endpoint's metadata.
/// </summary>
internal sealed class SecuritySchemes(IOptionsMonitor<CookieAuthenticationOptions> cookies) : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string Bearer = "bearer";
    public const string Session = "session";
    public const string Antiforgery = "antiforgery";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        var cookie = cookies.Get(CookieAuthenticationDefaults.AuthenticationScheme).Cookie.Name;
        document.AddComponent(Bearer, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "apl_…",
            Description = "An API token in `Authorization: Bearer apl_…`: created by a signed-in user (POST /api/v1/tokens) or on the " +
                "appliance with the console command `token create`. It acts with the lower of its own role and its creator's.",
        });
        document.AddComponent(Session, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = cookie,
            Description = "The web UI's session cookie, set by POST /api/v1/auth/login (or setup). Changes also need the antiforgery header.",
        });
        document.AddComponent(Antiforgery, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = CookieAntiforgeryMiddleware.HeaderName,
            Description = "With the session cookie, every change (anything but GET and HEAD) carries the token from GET /api/v1/auth/antiforgery.",
        });
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            // Open to anyone: an empty list overrides nothing and says no credentials are needed.
            operation.Security = [];
            return Task.CompletedTask;
        }
        var method = context.Description.HttpMethod ?? "";
        var reading = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        operation.Security =
        [
            Requirement(context.Document, Bearer),
            reading ? Requirement(context.Document, Session) : Requirement(context.Document, Session, Antiforgery),
        ];
        return Task.CompletedTask;
    }

    /// <summary>One alternative: all of <paramref name="schemes"/> together.</summary>
    private static OpenApiSecurityRequirement Requirement(OpenApiDocument? document, params string[] schemes)
    {
        var requirement = new OpenApiSecurityRequirement();
        foreach (var scheme in schemes)
        {
            requirement[new OpenApiSecuritySchemeReference(scheme, document)] = [];
        }
        return requirement;
    }
}
