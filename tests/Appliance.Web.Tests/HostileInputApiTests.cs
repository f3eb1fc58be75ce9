using System.Net;
using System.Net.Http.Json;
using Appliance.Data.Store;
using Appliance.Engine.Configuration;

namespace Appliance.Web.Tests;

/// <summary>
/// Every string field of WANs, rules, settings and hub edges, sent with a trailing newline, a tab, a NUL or 10,000
/// characters: a 400 problem naming that field, nothing stored, never a 500.
/// </summary>
public sealed class HostileInputApiTests : ApiTest
{
    private static readonly (string Kind, Func<string, string> Make)[] Hostile =
    [
        ("trailing newline", good => good + "\n"),
        ("tab", good => good[..(good.Length / 2)] + "\t" + good[(good.Length / 2)..]),
        ("NUL", good => good + "\0"),
        ("10,000 characters", good => good + new string('a', 10_000 - good.Length)),
    ];

    private static readonly WanLink GoodWan = Api.Wan("dsl", "eth1", gateway: "198.51.100.254") with
    {
        Probes = new ProbeSettings { Targets = ["198.51.100.1", "https://probe.example/health"] },
    };

    private static readonly Rule GoodRule = new()
    {
        Description = "web", Protocol = RuleProtocol.Tcp, Source = "198.18.0.0/15", Destination = "203.0.113.0/24", DestinationPorts = "80,443",
    };

    private static readonly ApplianceSettings GoodSettings = new()
    {
        Lan = new LanSettings { Interfaces = ["lan0"], Addresses = ["192.0.2.1/24"] },
        Hub = new HubPeerSettings { Address = "hub.example", EdgeId = "branch-7", Key = "shared-key-0123456789" },
        Listen = new HubListenSettings { Address = "0.0.0.0" },
    };

    /// <summary>One field of one resource: the error key the API names, its good value, and the request carrying another value.</summary>
    private sealed record Field(string Key, string Good, Func<string, HttpRequestMessage> Request);

    private static HttpRequestMessage Post<T>(string url, T body) => new(HttpMethod.Post, url) { Content = Api.Json(body) };
    private static HttpRequestMessage Put<T>(string url, T body) => new(HttpMethod.Put, url) { Content = Api.Json(body) };

    private static readonly Dictionary<string, Field[]> Resources = new(StringComparer.Ordinal)
    {
        ["wans"] =
        [
            new("name", "dsl", v => Post("/api/v1/wans", GoodWan with { Name = v })),
            new("interface", "eth1", v => Post("/api/v1/wans", GoodWan with { Interface = v })),
            new("gateway", "198.51.100.254", v => Post("/api/v1/wans", GoodWan with { Gateway = v })),
            new("probes.targets[0]", "198.51.100.1", v => Post("/api/v1/wans", GoodWan with { Probes = GoodWan.Probes with { Targets = [v, GoodWan.Probes.Targets[1]] } })),
            new("probes.targets[1]", "https://probe.example/health", v => Post("/api/v1/wans", GoodWan with { Probes = GoodWan.Probes with { Targets = [GoodWan.Probes.Targets[0], v] } })),
        ],
        ["rules"] =
        [
            new("description", "web", v => Post("/api/v1/rules", GoodRule with { Description = v })),
            new("source", "198.18.0.0/15", v => Post("/api/v1/rules", GoodRule with { Source = v })),
            new("destination", "203.0.113.0/24", v => Post("/api/v1/rules", GoodRule with { Destination = v })),
            new("destinationPorts", "80,443", v => Post("/api/v1/rules", GoodRule with { DestinationPorts = v })),
            new("wan", "dsl", v => Post("/api/v1/rules", new Rule { Action = RuleAction.Pin, Wan = v })),
        ],
        ["settings"] =
        [
            new("settings.lan.interfaces[0]", "lan0", v => Put("/api/v1/settings", GoodSettings with { Lan = GoodSettings.Lan with { Interfaces = [v] } })),
            new("settings.lan.addresses[0]", "192.0.2.1/24", v => Put("/api/v1/settings", GoodSettings with { Lan = GoodSettings.Lan with { Addresses = [v] } })),
            new("settings.hub.address", "hub.example", v => Put("/api/v1/settings", GoodSettings with { Hub = GoodSettings.Hub with { Address = v } })),
            new("settings.hub.edgeId", "branch-7", v => Put("/api/v1/settings", GoodSettings with { Hub = GoodSettings.Hub with { EdgeId = v } })),
            new("settings.hub.key", "shared-key-0123456789", v => Put("/api/v1/settings", GoodSettings with { Hub = GoodSettings.Hub with { Key = v } })),
            new("settings.listen.address", "0.0.0.0", v => Put("/api/v1/settings", GoodSettings with { Listen = GoodSettings.Listen with { Address = v } })),
        ],
        ["hub/edges"] =
        [
            new("id", "branch-7", v => Post("/api/v1/hub/edges", new NewHubEdge(v))),
            new("key", "shared-key-0123456789", v => Post("/api/v1/hub/edges", new NewHubEdge("branch-7", Key: v))),
            new("description", "Lyon office", v => Post("/api/v1/hub/edges", new NewHubEdge("branch-7", Description: v))),
        ],
    };

    private string _initialSettings = "";

    public static TheoryData<string> ResourceNames() => new(Resources.Keys);

    [Theory]
    [MemberData(nameof(ResourceNames))]
    public async Task Every_string_field_refuses_control_characters_and_oversized_values_with_400_naming_it(string resource)
    {
        if (resource == "rules")
        {
            // The pin rule's good value names a WAN that exists.
            await Client.CreateWanAsync(GoodWan, Ct);
        }
        _initialSettings = await Client.GetStringAsync("/api/v1/settings", Ct);
        var before = await Client.GetStringAsync($"/api/v1/{resource}", Ct);
        var failures = new List<string>();

        foreach (var field in Resources[resource])
        {
            // The good value passes, so each refusal below is the hostile value's doing and nothing else's.
            using (var good = await Client.SendAsync(field.Request(field.Good), Ct))
            {
                if (!good.IsSuccessStatusCode)
                {
                    failures.Add($"{field.Key} = good value: {(int)good.StatusCode} {await good.Content.ReadAsStringAsync(Ct)}");
                }
            }
            await ResetAsync(resource);
            var reset = await Client.GetStringAsync($"/api/v1/{resource}", Ct);

            foreach (var (kind, make) in Hostile)
            {
                using var response = await Client.SendAsync(field.Request(make(field.Good)), Ct);
                var body = await response.Content.ReadAsStringAsync(Ct);
                if (response.StatusCode != HttpStatusCode.BadRequest || response.Content.Headers.ContentType?.MediaType != Api.ProblemJson)
                {
                    failures.Add($"{field.Key}, {kind}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}");
                    await ResetAsync(resource);
                    continue;
                }
                var keys = (await response.ReadJsonAsync(Ct)).Errors().Keys;
                if (!keys.SequenceEqual([field.Key]))
                {
                    failures.Add($"{field.Key}, {kind}: errors named [{string.Join(", ", keys)}]");
                }
                if (await Client.GetStringAsync($"/api/v1/{resource}", Ct) != reset)
                {
                    failures.Add($"{field.Key}, {kind}: something was stored");
                    await ResetAsync(resource);
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await Client.GetStringAsync($"/api/v1/{resource}", Ct));
    }

    /// <summary>Removes what a good value stored, so the next field starts from the same place.</summary>
    private async Task ResetAsync(string resource)
    {
        switch (resource)
        {
            case "wans":
                foreach (var wan in await Client.GetOkAsync<List<WanLink>>("/api/v1/wans", Ct))
                {
                    (await Client.DeleteAsync($"/api/v1/wans/{Uri.EscapeDataString(wan.Name)}", Ct)).EnsureSuccessStatusCode();
                }
                break;
            case "rules":
                foreach (var rule in await Client.GetOkAsync<List<Rule>>("/api/v1/rules", Ct))
                {
                    (await Client.DeleteAsync($"/api/v1/rules/{rule.Id}", Ct)).EnsureSuccessStatusCode();
                }
                break;
            case "settings":
                (await Client.PutAsync("/api/v1/settings", Api.RawJson(_initialSettings), Ct)).EnsureSuccessStatusCode();
                break;
            default:
                foreach (var edge in await Client.GetFromJsonAsync<List<HubEdge>>("/api/v1/hub/edges", Ct) ?? [])
                {
                    (await Client.DeleteAsync($"/api/v1/hub/edges/{Uri.EscapeDataString(edge.Id)}", Ct)).EnsureSuccessStatusCode();
                }
                break;
        }
    }
}
