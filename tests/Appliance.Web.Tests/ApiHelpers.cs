using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Appliance.Engine.Configuration;

namespace Appliance.Web.Tests;

/// <summary>Requests and assertions shared by the API tests.</summary>
internal static class Api
{
    public const string ProblemJson = "application/problem+json";

    public static JsonContent Json<T>(T value) => JsonContent.Create(value, options: ConfigJson.Options);

    public static StringContent RawJson(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, CancellationToken ct)
    {
        var value = await response.Content.ReadFromJsonAsync<T>(ConfigJson.Options, ct);
        Assert.NotNull(value);
        return value;
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return document.RootElement.Clone();
    }

    /// <summary>Asserts the status code, with the body in the failure message.</summary>
    public static async Task ExpectAsync(this HttpResponseMessage response, HttpStatusCode expected, CancellationToken ct)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            Assert.Fail($"Expected {(int)expected} {expected} but got {(int)response.StatusCode} {response.StatusCode}: {body}");
        }
    }

    /// <summary>Asserts an RFC 9457 problem details response with the given status and returns its body.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected, CancellationToken ct)
    {
        await response.ExpectAsync(expected, ct);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync(ct);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }

    /// <summary>The field keys of a validation problem's <c>errors</c> object.</summary>
    public static IReadOnlyDictionary<string, string[]> Errors(this JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().ToDictionary(
            p => p.Name,
            p => p.Value.EnumerateArray().Select(m => m.GetString() ?? "").ToArray(),
            StringComparer.Ordinal);

    /// <summary>Records holding lists compare lists by reference; compare what the API would send instead.</summary>
    public static void EqualJson<T>(T expected, T actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected, ConfigJson.Options), JsonSerializer.Serialize(actual, ConfigJson.Options));

    public static long ETagVersion(this HttpResponseMessage response)
    {
        var tag = response.Headers.ETag;
        Assert.NotNull(tag);
        return long.Parse(tag.Tag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static HttpRequestMessage WithIfMatch(this HttpRequestMessage request, long version)
    {
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        return request;
    }

    public static WanLink Wan(string name, string @interface, int weight = 1, int tier = 1, string gateway = "dhcp", WanMode mode = WanMode.Balance) =>
        new() { Name = name, Interface = @interface, Weight = weight, Tier = tier, Gateway = gateway, Mode = mode };

    public static async Task<WanLink> CreateWanAsync(this HttpClient client, WanLink wan, CancellationToken ct)
    {
        using var response = await client.PostAsync("/api/v1/wans", Json(wan), ct);
        await response.ExpectAsync(HttpStatusCode.Created, ct);
        return await response.ReadAsync<WanLink>(ct);
    }

    public static async Task<Rule> CreateRuleAsync(this HttpClient client, Rule rule, CancellationToken ct, int? position = null)
    {
        var url = position is { } p ? $"/api/v1/rules?position={p}" : "/api/v1/rules";
        using var response = await client.PostAsync(url, Json(rule), ct);
        await response.ExpectAsync(HttpStatusCode.Created, ct);
        return await response.ReadAsync<Rule>(ct);
    }

    public static async Task<T> GetOkAsync<T>(this HttpClient client, string url, CancellationToken ct)
    {
        using var response = await client.GetAsync(url, ct);
        await response.ExpectAsync(HttpStatusCode.OK, ct);
        return await response.ReadAsync<T>(ct);
    }

    /// <summary>The export with its secrets (the callers are admins); <paramref name="secrets"/> false gives the masked one.</summary>
    public static async Task<string> ExportAsync(this HttpClient client, CancellationToken ct, bool secrets = true)
    {
        using var response = await client.GetAsync(secrets ? "/api/v1/config/export?includeSecrets=true" : "/api/v1/config/export", ct);
        await response.ExpectAsync(HttpStatusCode.OK, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }
}
