using Appliance.Web.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Appliance.Web.Api;

/// <summary>Refuses oversized API bodies up front with 413 problem details, whatever server hosts the app.</summary>
/// <remarks>Kestrel also enforces the limit while reading a chunked body; this answers before reading anything.</remarks>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<ApplianceOptions> options, IOptions<Appliance.Engine.FirmwareSlots.RaucOptions> firmware, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // A firmware bundle is streamed to disk, not parsed: it has a limit of its own.
        var limit = context.Request.Path.StartsWithSegments(FirmwareApi.BundlePath) ? firmware.Value.MaxBundleBytes : options.Value.MaxJsonBodyBytes;
        if (context.Request.Path.StartsWithSegments("/api") && context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = 413, Title = "Request body too large", Detail = $"The body is {context.Request.ContentLength} bytes; the limit is {limit}." },
            });
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        await next(context);
    }
}
