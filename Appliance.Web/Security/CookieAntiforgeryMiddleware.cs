using Microsoft.AspNetCore.Antiforgery;

namespace Appliance.Web.Security;

/// <summary>
/// A browser sends the session cookie with any request a foreign page makes it send, so API calls that change
/// something on the strength of the cookie must also carry the antiforgery token (header X-XSRF-TOKEN, from
/// GET /api/v1/auth/antiforgery). Bearer tokens are not sent by browsers on their own and need none.
/// </summary>
internal sealed class CookieAntiforgeryMiddleware(RequestDelegate next, IAntiforgery antiforgery)
{
    public const string HeaderName = "X-XSRF-TOKEN";

    public async Task InvokeAsync(HttpContext context)
    {
        var method = context.Request.Method;
        if (context.Request.Path.StartsWithSegments("/api")
            && !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
            && context.User.Identity?.IsAuthenticated == true
            && context.User.FindFirst(AppPolicies.KindClaim)?.Value == AppPolicies.UserKind
            && !await antiforgery.IsRequestValidAsync(context))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await Results.Problem(
                title: "Missing or invalid antiforgery token",
                detail: $"A change made with the sign-in cookie needs the {HeaderName} header from GET /api/v1/auth/antiforgery; automation uses a bearer token instead.",
                statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
            return;
        }
        await next(context);
    }
}
