using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Tests;

/// <summary>
/// What a generated client relies on, for every operation of /openapi/v1.json: its name and purpose, its success answer,
/// its errors as problem details, and the credentials it takes as the endpoint's authorization really has them.
/// (tests/openapi/check.sh lints the same document with third-party linters and drives the API with a generated client.)
/// </summary>
public sealed class OpenApiOperationTests : ApiTest
{
    private async Task<JsonElement> DocumentAsync()
    {
        using var response = await Client.GetAsync("/openapi/v1.json", Ct);
        await response.ExpectAsync(HttpStatusCode.OK, Ct);
        return await response.ReadJsonAsync(Ct);
    }

    private static List<(string Key, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => ($"{op.Name.ToUpperInvariant()} {OpenApiTests.Normalise(path.Name)}", op.Value)))
            .ToList();

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";

    [Fact]
    public async Task Every_operation_has_an_id_a_summary_a_description_and_a_success_answer()
    {
        var operations = Operations(await DocumentAsync());

        Assert.True(operations.Count > 40, $"only {operations.Count} operations");
        foreach (var (key, operation) in operations)
        {
            Assert.False(string.IsNullOrWhiteSpace(Text(operation, "operationId")), $"{key}: no operationId");
            Assert.False(string.IsNullOrWhiteSpace(Text(operation, "summary")), $"{key}: no summary");
            Assert.False(string.IsNullOrWhiteSpace(Text(operation, "description")), $"{key}: no description");
            Assert.True(operation.GetProperty("responses").EnumerateObject().Any(r => r.Name.StartsWith('2')), $"{key}: no success answer");
        }
        Assert.Equal(operations.Count, operations.Select(o => Text(o.Operation, "operationId")).Distinct().Count());
    }

    [Fact]
    public async Task Every_error_answer_is_problem_details_with_what_it_means()
    {
        foreach (var (key, operation) in Operations(await DocumentAsync()))
        {
            foreach (var response in operation.GetProperty("responses").EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
            {
                var content = response.Value.GetProperty("content").EnumerateObject().ToList();
                Assert.True(content is [{ Name: Api.ProblemJson }], $"{key} {response.Name}: {string.Join(", ", content.Select(c => c.Name))}");
                var schema = content[0].Value.GetProperty("schema").GetProperty("$ref").GetString();
                Assert.True(schema is "#/components/schemas/ProblemDetails" or "#/components/schemas/HttpValidationProblemDetails", $"{key} {response.Name}: {schema}");
                // A sentence of its own, not the bare reason phrase ("Not Found").
                Assert.True(Text(response.Value, "description").EndsWith('.'), $"{key} {response.Name}: '{Text(response.Value, "description")}'");
            }
        }
    }

    [Fact]
    public async Task Credentials_are_declared_as_the_endpoints_authorization_has_them()
    {
        var document = await DocumentAsync();
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", Text(schemes.GetProperty("bearer"), "scheme"));
        Assert.Equal("cookie", Text(schemes.GetProperty("session"), "in"));
        Assert.Equal("appliance.session", Text(schemes.GetProperty("session"), "name"));
        Assert.Equal("X-XSRF-TOKEN", Text(schemes.GetProperty("antiforgery"), "name"));
        var operations = Operations(document).ToDictionary(o => o.Key, o => o.Operation);
        var anonymous = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                .Select(m => (Key: $"{m} {OpenApiTests.Normalise(e.RoutePattern.RawText!)}", Open: e.Metadata.GetMetadata<IAllowAnonymous>() is not null)))
            .ToDictionary(e => e.Key, e => e.Open);

        Assert.Contains(anonymous, e => e.Value);
        foreach (var (key, open) in anonymous)
        {
            var operation = operations[key];
            var requirements = operation.GetProperty("security").EnumerateArray().Select(r => string.Join('+', r.EnumerateObject().Select(s => s.Name))).ToList();
            var responses = operation.GetProperty("responses");
            if (open)
            {
                Assert.True(requirements.Count == 0, $"{key} is open but declares {string.Join(", ", requirements)}");
                continue;
            }
            var reading = key.StartsWith("GET ", StringComparison.Ordinal);
            Assert.Equal(["bearer", reading ? "session" : "session+antiforgery"], requirements);
            Assert.True(responses.TryGetProperty("401", out _), $"{key}: no 401");
        }
        // 403 where a role is refused, not where every caller passes.
        Assert.True(operations["DELETE /api/v1/users/{name}"].GetProperty("responses").TryGetProperty("403", out _));
        Assert.True(operations["POST /api/v1/wans"].GetProperty("responses").TryGetProperty("403", out _));
        Assert.False(operations["GET /api/v1/wans"].GetProperty("responses").TryGetProperty("403", out _));
        Assert.True(operations["POST /api/v1/auth/login"].GetProperty("responses").TryGetProperty("429", out _));
    }

    [Fact]
    public async Task The_firmware_bundle_is_documented_as_the_raw_body_it_is()
    {
        var operations = Operations(await DocumentAsync()).ToDictionary(o => o.Key, o => o.Operation);

        var body = operations["POST /api/v1/firmware/bundle"].GetProperty("requestBody");
        Assert.True(body.GetProperty("required").GetBoolean());
        var schema = body.GetProperty("content").GetProperty("application/octet-stream").GetProperty("schema");
        Assert.Equal("binary", Text(schema, "format"));
        Assert.Single(body.GetProperty("content").EnumerateObject());
    }
}
