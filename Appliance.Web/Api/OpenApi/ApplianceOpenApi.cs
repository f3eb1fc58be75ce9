using System.Globalization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Appliance.Web.Api.OpenApi;

/// <summary>The /openapi/v1.json document: what a generated client needs beyond the endpoints' own metadata.</summary>
internal static class ApplianceOpenApi
{
    public const string Title = "Multi-WAN appliance API";

    public static IServiceCollection AddApplianceOpenApi(this IServiceCollection services)
    {
        return services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer(Describe);
            o.AddDocumentTransformer<SecuritySchemes>();
            o.AddOperationTransformer<SecuritySchemes>();
            o.AddOperationTransformer(DescribeResponses);
            o.AddSchemaTransformer(AllowProblemExtensions);
        });
    }

    private static Task Describe(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info.Title = Title;
        document.Info.Description =
            "Configure WANs, rules and settings, apply revisions, register the edges a hub accepts, and read live status. " +
            "Automation authenticates with a bearer token; the web UI with its session cookie. " +
            "Errors are RFC 9457 problem details (`application/problem+json`); a 400 from validation lists every field that needs fixing in `errors`.";
        ApiTags.Describe(document);
        // The server is where the document was fetched from; its path ends without a slash, so paths join cleanly.
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }
        return Task.CompletedTask;
    }

    /// <summary>The sentence each endpoint gives a response (see <see cref="ApiResponses"/>) instead of the bare reason phrase.</summary>
    private static Task DescribeResponses(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        foreach (var produces in context.Description.ActionDescriptor.EndpointMetadata.OfType<IProducesResponseTypeMetadata>())
        {
            if (produces.Description is { Length: > 0 } description
                && operation.Responses?.GetValueOrDefault(produces.StatusCode.ToString(CultureInfo.InvariantCulture)) is OpenApiResponse response)
            {
                response.Description = description;
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>Problem details carry extension members (traceId, and e.g. a refused bundle's version): their schema must allow them.</summary>
    private static Task AllowProblemExtensions(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (typeof(ProblemDetails).IsAssignableFrom(context.JsonTypeInfo.Type))
        {
            schema.AdditionalPropertiesAllowed = true;
            schema.AdditionalProperties = null;
        }
        return Task.CompletedTask;
    }
}
