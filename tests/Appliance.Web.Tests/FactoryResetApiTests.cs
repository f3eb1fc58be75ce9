using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Data.Entities;
using Appliance.Engine.Configuration;
using Appliance.Engine.Network;
using Appliance.Web.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Tests;

/// <summary>POST /api/v1/system/factory-reset and the console's factory-reset: refused unless confirmed; accounts stay.</summary>
public sealed class FactoryResetApiTests : IAsyncDisposable
{
    private readonly string _defaults = Path.Combine(Path.GetTempPath(), $"factory-defaults-{Guid.NewGuid():N}.json");
    private readonly ApplianceFactory _factory;
    private readonly HttpClient _client;

    public FactoryResetApiTests()
    {
        File.WriteAllText(_defaults, """
            { "lan": { "address": "198.18.9.1/24", "dhcp": { "enabled": true, "rangeStart": "198.18.9.100", "rangeEnd": "198.18.9.199" } },
              "wan": { "probes": { "targets": ["203.0.113.1"] } } }
            """);
        _factory = new ApplianceFactory { TestServices = services => services.AddSingleton<IPortInventory>(new Ports()) };
        _factory.Settings["Appliance:Factory:DefaultsPath"] = _defaults;
        _client = _factory.CreateClient(UserRole.Admin);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class Ports : IPortInventory
    {
        public Task<IReadOnlyList<DiscoveredPort>> DiscoverAsync(CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyList<DiscoveredPort>>([new("eth2", "02:00:00:00:00:03", true, 1000), new("eth0", "02:00:00:00:00:01", true, 1000), new("eth1", "02:00:00:00:00:02", false, null)]);
    }

    private async Task ConfigureSomethingAsync()
    {
        var config = new ApplianceConfig
        {
            Wans = [new WanLink { Name = "fibre", Interface = "eth1", Gateway = "192.0.2.1" }],
            Rules = [new Rule { Id = 1, Action = RuleAction.Pin, Wan = "fibre" }],
        };
        await (await _client.PostAsync("/api/v1/config/import", Api.Json(config), Ct)).ExpectAsync(HttpStatusCode.OK, Ct);
        await (await _client.PostAsJsonAsync("/api/v1/config/apply", new { comment = "mine" }, Ct)).ExpectAsync(HttpStatusCode.OK, Ct);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"confirm": "yes"}""")]
    [InlineData("""{"confirm": "Factory-Reset"}""")]
    public async Task Without_the_confirmation_nothing_is_reset(string body)
    {
        await ConfigureSomethingAsync();

        using var response = await _client.PostAsync("/api/v1/system/factory-reset", Api.RawJson(body), Ct);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, Ct);
        Assert.Contains("factory-reset", Assert.Single(problem.Errors()["confirm"]), StringComparison.Ordinal);
        var revisions = await _client.GetFromJsonAsync<JsonElement>("/api/v1/config/revisions", Ct);
        Assert.Equal(1, revisions.GetArrayLength());
    }

    [Fact]
    public async Task An_operator_may_not_reset()
    {
        using var operatorClient = _factory.CreateClient(UserRole.Operator);

        using var response = await operatorClient.PostAsync("/api/v1/system/factory-reset", Api.RawJson("""{"confirm": "factory-reset"}"""), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_confirmed_reset_applies_the_factory_configuration_and_the_admin_keeps_access()
    {
        await ConfigureSomethingAsync();

        using var response = await _client.PostAsync("/api/v1/system/factory-reset", Api.RawJson("""{"confirm": "factory-reset"}"""), Ct);

        var revision = await response.ReadJsonAsync(Ct);
        Assert.Equal(("factory reset", "applied"), (revision.GetProperty("comment").GetString(), revision.GetProperty("status").GetString()));
        var detail = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/config/revisions/{revision.GetProperty("id").GetInt64()}", Ct);
        var config = detail.GetProperty("config");
        Assert.Equal(["eth0:lan", "eth1:wan", "eth2:wan"],
            config.GetProperty("ports").EnumerateArray().Select(p => $"{p.GetProperty("name").GetString()}:{p.GetProperty("role").GetString()}"));
        Assert.Equal(["wan1:eth1", "wan2:eth2"],
            config.GetProperty("wans").EnumerateArray().Select(w => $"{w.GetProperty("name").GetString()}:{w.GetProperty("interface").GetString()}"));
        Assert.Equal(0, config.GetProperty("rules").GetArrayLength());
        Assert.Equal("198.18.9.1/24", config.GetProperty("settings").GetProperty("lan").GetProperty("addresses")[0].GetString());
        // The token that reset the box still works: accounts are not configuration.
        var pending = await _client.GetFromJsonAsync<JsonElement>("/api/v1/config/pending", Ct);
        Assert.Equal(revision.GetProperty("id").GetInt64(), pending.GetProperty("runningRevisionId").GetInt64());
        var audit = await _client.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=system.factory-reset", Ct);
        Assert.Single(audit.EnumerateArray());
    }

    [Fact]
    public async Task The_console_command_needs_yes_and_then_resets()
    {
        await ConfigureSomethingAsync();
        var settings = new[] { $"--Appliance:DataDirectory={_factory.DataDirectory}", $"--Appliance:Factory:DefaultsPath={_defaults}" };

        var (refused, _, refusal) = await RunAsync(["factory-reset", .. settings]);
        var (exit, stdout, said) = await RunAsync(["factory-reset", "--yes", .. settings]);

        Assert.True(exit == 0, said);
        Assert.Equal(2, refused);
        Assert.Contains("--yes", refusal, StringComparison.Ordinal);
        Assert.Equal("", stdout);
        Assert.Contains("revision 2", said, StringComparison.Ordinal);
        var revisions = await _client.GetFromJsonAsync<JsonElement>("/api/v1/config/revisions", Ct);
        Assert.Equal("factory reset", revisions[0].GetProperty("comment").GetString());
        var pending = await _client.GetFromJsonAsync<JsonElement>("/api/v1/config/export", Ct);
        Assert.Equal(0, pending.GetProperty("rules").GetArrayLength());
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var exit = await ConsoleCommands.RunAsync(args, new StringReader(""), output, errors);
        return (exit, output.ToString(), errors.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        File.Delete(_defaults);
    }
}
