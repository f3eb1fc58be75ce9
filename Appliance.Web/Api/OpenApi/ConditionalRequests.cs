using Microsoft.OpenApi;

namespace Appliance.Web.Api.OpenApi;

/// <summary>
/// Optimistic concurrency as the API does it: answers carry the item's version as an ETag, and a change may send it
/// back in If-Match to be refused (412) if someone else changed the item in between.
/// </summary>
internal static class ConditionalRequests
{
    public static RouteHandlerBuilder ReturnsETag(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var (status, response) in operation.Responses ?? [])
            {
                if (status.StartsWith('2') && response is OpenApiResponse concrete)
                {
                    concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    concrete.Headers["ETag"] = new OpenApiHeader
                    {
                        Description = "The item's version, e.g. \"3\": send it back in If-Match to change only what was read.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    };
                }
            }
            return Task.CompletedTask;
        });

    /// <param name="what">The item, for the 412's description, e.g. "the WAN".</param>
    public static RouteHandlerBuilder AcceptsIfMatch(this RouteHandlerBuilder builder, string what) =>
        builder
            .Refused(StatusCodes.Status400BadRequest, "If-Match is not an ETag this API returned.")
            .Refused(StatusCodes.Status412PreconditionFailed, $"If-Match names an old version of {what}: it was changed since it was read.")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "If-Match",
                    In = ParameterLocation.Header,
                    Required = false,
                    Description = $"The ETag of {what} as read (e.g. \"3\"); the change is refused with 412 if it is no longer current. Omit it, or send *, to change it whatever its version.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
                return Task.CompletedTask;
            });
}
