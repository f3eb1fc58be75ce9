namespace Appliance.Web.Security;

/// <summary>Headers that keep the UI out of frames, stop content sniffing and limit where scripts come from.</summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    // Styles may be inline (component libraries set them); scripts only from the appliance itself.
    private const string Strict =
        "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; " +
        "img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'";

    // The API reference page boots its bundled script with an inline block.
    private const string ApiDocs =
        "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; " +
        "img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; connect-src 'self'; font-src 'self' data:";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/api/docs") || context.Request.Path.StartsWithSegments("/scalar") ? ApiDocs : Strict;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        return next(context);
    }
}
