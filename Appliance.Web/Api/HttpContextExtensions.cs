using Appliance.Data.Store;
using Microsoft.Net.Http.Headers;

namespace Appliance.Web.Api;

/// <summary>Request facts the API passes to the store: who is asking, and which version they edited.</summary>
internal static class HttpContextExtensions
{
    public static ChangeContext ChangeContext(this HttpContext context) =>
        new(context.User.Identity?.IsAuthenticated == true ? context.User.Identity.Name ?? "unknown" : "anonymous", context.Source());

    /// <summary>Where the request came from, for the audit trail.</summary>
    public static string Source(this HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "local";

    /// <summary>The version in an If-Match header ("3" or W/"3"); null when absent or "*".</summary>
    public static long? IfMatchVersion(this HttpContext context)
    {
        var header = context.Request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*")
        {
            return null;
        }
        if (EntityTagHeaderValue.TryParse(header, out var tag) && long.TryParse(tag.Tag.AsSpan().Trim('"'), out var version))
        {
            return version;
        }
        throw new BadHttpRequestException($"If-Match must be an ETag this API returned, such as \"3\"; got {header}.");
    }

    public static void SetETag(this HttpContext context, long version) =>
        context.Response.Headers.ETag = new EntityTagHeaderValue($"\"{version}\"").ToString();
}
