using Appliance.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Appliance.Web.Api.OpenApi;

/// <summary>
/// The problem answers every endpoint of a group can give before its handler runs, read from the endpoint's own
/// metadata so the document cannot drift from what the pipeline does: 401 without valid credentials, 403 when the
/// policy wants a higher role, 429 from the sign-in rate limit, 400 for a change made with the cookie but without the
/// antiforgery header, and 400 and 413 for a request body that is not valid JSON or is too large.
/// </summary>
internal static class AccessResponses
{
    public static TBuilder ProducesAccessProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        // Finally: after the endpoint's own conventions, so its RequireAuthorization and AllowAnonymous are known.
        builder.Finally(endpoint => Describe(endpoint.Metadata));
        return builder;
    }

    private static void Describe(IList<object> metadata)
    {
        var methods = metadata.OfType<IHttpMethodMetadata>().LastOrDefault()?.HttpMethods ?? [];
        var reading = methods.Count > 0 && methods.All(m => HttpMethods.IsGet(m) || HttpMethods.IsHead(m));
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        if (metadata.OfType<IAcceptsMetadata>().LastOrDefault() is { } accepts)
        {
            if (accepts.ContentTypes.Any(t => t.Contains("json", StringComparison.OrdinalIgnoreCase)))
            {
                ApiResponses.Merge(metadata, StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails),
                    "The body is not JSON of the documented shape (unknown field, wrong type): `errors` names the field.");
            }
            ApiResponses.Merge(metadata, StatusCodes.Status413PayloadTooLarge, typeof(ProblemDetails), "The request body is larger than this endpoint accepts.");
        }
        if (!anonymous)
        {
            ApiResponses.Merge(metadata, StatusCodes.Status401Unauthorized, typeof(ProblemDetails),
                "No valid credentials: the bearer token or session cookie is missing, unknown, expired or revoked.");
            if (!reading)
            {
                ApiResponses.Merge(metadata, StatusCodes.Status400BadRequest, typeof(ProblemDetails),
                    $"Signed in with the session cookie, the {CookieAntiforgeryMiddleware.HeaderName} header is missing or wrong.");
            }
            if (RequiredRole(metadata, reading) is { } role)
            {
                ApiResponses.Merge(metadata, StatusCodes.Status403Forbidden, typeof(ProblemDetails), $"The caller's role is too low: this needs {role}.");
            }
        }
        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
        {
            ApiResponses.Merge(metadata, StatusCodes.Status429TooManyRequests, typeof(ProblemDetails),
                "Too many attempts from this address (an IPv6 /64 counts as one); Retry-After says when to try again.");
        }
    }

    /// <summary>The roles the endpoint's policies let through, when some role is refused; null when any caller passes.</summary>
    private static string? RequiredRole(IList<object> metadata, bool reading)
    {
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToList();
        if (policies.Contains(AppPolicies.Admin))
        {
            return "the admin role";
        }
        return policies.Contains(AppPolicies.Operator) || (policies.Contains(AppPolicies.ReadOrOperate) && !reading) ? "the operator or admin role" : null;
    }
}
