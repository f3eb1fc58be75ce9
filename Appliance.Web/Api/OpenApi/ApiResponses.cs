using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Appliance.Web.Api.OpenApi;

/// <summary>
/// Documents an endpoint's problem answers (RFC 9457, <c>application/problem+json</c>) with a sentence saying when each
/// happens, so a generated client's reader learns what a 404 or 409 of this endpoint means.
/// </summary>
internal static class ApiResponses
{
    public const string ProblemJson = "application/problem+json";

    /// <summary>A problem answer with <paramref name="status"/>, documented as happening when <paramref name="when"/> says.</summary>
    public static TBuilder Refused<TBuilder>(this TBuilder builder, int status, string when) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => Merge(endpoint.Metadata, status, typeof(ProblemDetails), when));
        return builder;
    }

    /// <summary>A 400 whose <c>errors</c> name every field that needs fixing.</summary>
    public static TBuilder RefusedInvalid<TBuilder>(this TBuilder builder, string when) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => Merge(endpoint.Metadata, StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails), when));
        return builder;
    }

    /// <summary>
    /// Adds a problem answer, or widens the one already there for that status: one sentence more, and the field errors'
    /// schema when either has them (a plain problem is a validation problem without <c>errors</c>).
    /// </summary>
    public static void Merge(IList<object> metadata, int status, Type type, string when)
    {
        var existing = metadata.OfType<IProducesResponseTypeMetadata>().FirstOrDefault(m => m.StatusCode == status);
        if (existing is not null)
        {
            if (existing.Description?.Contains(when, StringComparison.Ordinal) == true)
            {
                return;
            }
            metadata.Remove(existing);
            if (existing.Type == typeof(HttpValidationProblemDetails))
            {
                type = existing.Type;
            }
            when = string.IsNullOrEmpty(existing.Description) ? when : $"{existing.Description} {when}";
        }
        metadata.Add(new ProducesResponseTypeMetadata(status, type, [ProblemJson]) { Description = when });
    }
}
