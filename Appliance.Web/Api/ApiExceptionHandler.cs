using System.Text.Json;
using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Appliance.Web.Api;

/// <summary>Turns store and request errors into RFC 9457 problem details; anything else is a 500 without internals.</summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        ProblemDetails problem = exception switch
        {
            ConfigValidationException e => new HttpValidationProblemDetails(e.Errors.ToDictionary())
            {
                Status = StatusCodes.Status400BadRequest, Title = e.Title, Detail = "See 'errors' for every field that needs fixing.",
            },
            ConfigNotFoundException e => Problem(StatusCodes.Status404NotFound, "Not found", e.Message),
            ConfigConflictException e => Problem(StatusCodes.Status409Conflict, "Conflict", e.Message),
            ConfigVersionMismatchException e => Problem(StatusCodes.Status412PreconditionFailed, "Edited by someone else", e.Message),
            BadHttpRequestException e => FromBadRequest(e),
            _ => Problem(StatusCodes.Status500InternalServerError, "Internal error", "The appliance could not complete the request; see its log."),
        };
        if (problem.Status == StatusCodes.Status500InternalServerError)
        {
            LogUnhandled(logger, context.Request.Path, exception);
        }
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails FromBadRequest(BadHttpRequestException e)
    {
        if (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem(e.StatusCode, "Request body too large", e.Message);
        }
        var json = FindJsonException(e);
        if (json is null)
        {
            return Problem(e.StatusCode, "Bad request", e.Message);
        }
        var path = json.Path ?? "$";
        var field = JsonPathToField(path);
        var detail = json.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal)
            ? $"Unknown field '{field}'."
            : ConversionTarget(json.Message) is { } target
                ? $"'{field}' {Expectation(target)}."
                : $"Invalid JSON at '{field}': {Clean(json.Message)}";
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [detail] })
        {
            Status = StatusCodes.Status400BadRequest, Title = "The request body is not valid JSON for this resource.", Detail = detail,
        };
    }

    private static JsonException? FindJsonException(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is JsonException json)
            {
                return json;
            }
        }
        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"could not be converted to ([\w.`\[\], =+]+?)\. Path")]
    private static partial System.Text.RegularExpressions.Regex ConversionPattern();

    private static string? ConversionTarget(string message) =>
        ConversionPattern().Match(message) is { Success: true } m ? m.Groups[1].Value : null;

    // Names the allowed values of our enums, and a plain JSON type for everything else.
    private static string Expectation(string typeName)
    {
        var type = typeof(ConfigJson).Assembly.GetType(typeName);
        if (type is { IsEnum: true })
        {
            return "must be one of: " + string.Join(", ", ConfigJson.EnumValues(type));
        }
        return typeName switch
        {
            "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" => "must be a whole number",
            "System.Double" => "must be a number",
            "System.Boolean" => "must be true or false",
            "System.String" => "must be a string",
            _ => typeName.StartsWith("System.Collections", StringComparison.Ordinal) || typeName.Contains("IReadOnlyList", StringComparison.Ordinal)
                ? "must be a list" : "must be an object of the documented shape",
        };
    }

    private static string JsonPathToField(string path) => path.TrimStart('$').TrimStart('.') is { Length: > 0 } p ? p : "$";

    // The serializer's messages name .NET types and internals the API user has no use for.
    private static string Clean(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static ProblemDetails Problem(int status, string title, string detail) => new() { Status = status, Title = title, Detail = detail };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    private static partial void LogUnhandled(ILogger logger, string path, Exception exception);
}
