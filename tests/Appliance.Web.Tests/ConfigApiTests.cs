using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Engine.Configuration;

namespace Appliance.Web.Tests;

public sealed class ConfigApiTests : ApiTest
{
    private const string HubKey = "correct-horse-battery-staple";

    private static ApplianceSettings RichSettings => new()
    {
        Lan = new LanSettings { Interfaces = ["lan0", "lan1"], Addresses = ["192.0.2.1/24", "198.18.0.1/15"] },
        Hub = new HubPeerSettings { Address = "203.0.113.10", Port = 7443, EdgeId = "edge-1", Key = HubKey },
    };

    /// <summary>Builds, through the API, a configuration that uses most of the model.</summary>
    private async Task BuildRichConfigAsync()
    {
        await Client.CreateWanAsync(Api.Wan("fiber", "eth1", weight: 3, gateway: "198.51.100.1") with
        {
            Probes = new ProbeSettings { Targets = ["198.51.100.1", "tcp://203.0.113.5:443"], Quorum = 2, IntervalMs = 500 },
        }, Ct);
        await Client.CreateWanAsync(Api.Wan("lte", "wwan0", tier: 2, mode: WanMode.Backup) with
        {
            Failback = FailbackPolicy.Move,
            Probes = new ProbeSettings { Method = ProbeMethod.Dns, Targets = ["dns://203.0.113.53/example.com"] },
        }, Ct);
        await Client.CreateWanAsync(Api.Wan("cable", "eth2", weight: 2, gateway: "203.0.113.1", mode: WanMode.Bond) with
        {
            Enabled = false,
            Probes = new ProbeSettings { Method = ProbeMethod.Http, Targets = ["http://198.51.100.80/health"] },
        }, Ct);
        await Client.CreateRuleAsync(new Rule { Description = "default", Sticky = StickyMode.SourceDestination }, Ct);
        await Client.CreateRuleAsync(new Rule { Description = "lab", Destination = "198.18.0.0/15", Action = RuleAction.Pin, Wan = "lte", Strict = true }, Ct, position: 0);
        await Client.CreateRuleAsync(new Rule { Description = "web", Protocol = RuleProtocol.Tcp, DestinationPorts = "80,443,8000-8100", Action = RuleAction.Bond, Enabled = false }, Ct);
        using var settings = await Client.PutAsync("/api/v1/settings", Api.Json(RichSettings), Ct);
        await settings.ExpectAsync(HttpStatusCode.OK, Ct);
    }

    [Fact]
    public async Task Hub_key_reads_back_masked_and_sending_the_mask_keeps_the_stored_key()
    {
        using var put = await Client.PutAsync("/api/v1/settings", Api.Json(RichSettings), Ct);
        await put.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.Equal("********", (await put.ReadAsync<ApplianceSettings>(Ct)).Hub.Key);

        using var get = await Client.GetAsync("/api/v1/settings", Ct);
        await get.ExpectAsync(HttpStatusCode.OK, Ct);
        var shown = await get.ReadAsync<ApplianceSettings>(Ct);
        Assert.Equal("********", shown.Hub.Key);
        Assert.Equal("edge-1", shown.Hub.EdgeId);
        Assert.DoesNotContain(HubKey, await get.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // Send back what was shown (mask included), with another change, under the current ETag.
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/settings")
        {
            Content = Api.Json(shown with { Hub = shown.Hub with { Port = 8443 } }),
        }.WithIfMatch(get.ETagVersion());
        using var keep = await Client.SendAsync(request, Ct);
        await keep.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.Equal("********", (await keep.ReadAsync<ApplianceSettings>(Ct)).Hub.Key);

        var exported = ConfigJson.Deserialize(await Client.ExportAsync(Ct));
        Assert.Equal(HubKey, exported.Settings.Hub.Key);
        Assert.Equal(8443, exported.Settings.Hub.Port);

        // A new key replaces it.
        using var replace = await Client.PutAsync("/api/v1/settings", Api.Json(shown with { Hub = shown.Hub with { Key = "another-secret-of-length" } }), Ct);
        await replace.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.Equal("another-secret-of-length", ConfigJson.Deserialize(await Client.ExportAsync(Ct)).Settings.Hub.Key);
    }

    [Fact]
    public async Task Settings_with_a_stale_etag_get_412_and_invalid_settings_name_their_fields()
    {
        using var first = await Client.PutAsync("/api/v1/settings", Api.Json(RichSettings), Ct);
        await first.ExpectAsync(HttpStatusCode.OK, Ct);
        var version = first.ETagVersion();

        using var stale = new HttpRequestMessage(HttpMethod.Put, "/api/v1/settings") { Content = Api.Json(new ApplianceSettings()) }.WithIfMatch(version - 1);
        using var staleResponse = await Client.SendAsync(stale, Ct);
        await staleResponse.ProblemAsync(HttpStatusCode.PreconditionFailed, Ct);

        var invalid = new ApplianceSettings
        {
            Lan = new LanSettings { Interfaces = ["lan 0"], Addresses = ["192.0.2.1"] },
            Hub = new HubPeerSettings { Port = 0, Key = "short" },
        };
        using var bad = await Client.PutAsync("/api/v1/settings", Api.Json(invalid), Ct);
        var errors = (await bad.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        Assert.All(["settings.lan.interfaces[0]", "settings.lan.addresses[0]", "settings.hub.port", "settings.hub.key"], key => Assert.Contains(key, errors.Keys));

        var exported = ConfigJson.Deserialize(await Client.ExportAsync(Ct));
        Assert.Equal(["lan0", "lan1"], exported.Settings.Lan.Interfaces);
        Assert.Equal(HubKey, exported.Settings.Hub.Key);
    }

    [Fact]
    public async Task Null_settings_sections_are_refused_and_settings_stay_readable()
    {
        using var response = await Client.PutAsync("/api/v1/settings", Api.RawJson("""{"lan":null,"hub":null,"listen":null}"""), Ct);

        var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        Assert.Equal(["settings.hub", "settings.lan", "settings.listen"], errors.Keys.Order(StringComparer.Ordinal));
        var settings = await Client.GetOkAsync<ApplianceSettings>("/api/v1/settings", Ct);
        Assert.NotNull(settings.Hub);
        Assert.NotNull(settings.Lan);

        using var lists = await Client.PutAsync("/api/v1/settings", Api.RawJson("""{"lan":{"interfaces":null,"addresses":null}}"""), Ct);
        var listErrors = (await lists.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        Assert.Equal(["settings.lan.addresses", "settings.lan.interfaces"], listErrors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([], ConfigJson.Deserialize(await Client.ExportAsync(Ct)).Settings.Lan.Interfaces);
    }

    [Fact]
    public async Task Import_with_null_items_gives_400_naming_them_and_changes_nothing()
    {
        await Client.CreateWanAsync(Api.Wan("fiber", "eth1"), Ct);
        var before = await Client.ExportAsync(Ct);

        using var response = await Client.PostAsync("/api/v1/config/import", Api.RawJson("""{"wans":[null],"rules":[{},null]}"""), Ct);

        var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        Assert.Equal(["rules[1]", "wans[0]"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(before, await Client.ExportAsync(Ct));
    }

    [Fact]
    public async Task Export_import_export_is_byte_identical()
    {
        await BuildRichConfigAsync();
        var exported = await Client.ExportAsync(Ct);

        // Sanity: the export holds what was built, key included.
        var config = ConfigJson.Deserialize(exported);
        Assert.Equal(["fiber", "lte", "cable"], config.Wans.Select(w => w.Name));
        Assert.Equal(["198.51.100.1", "tcp://203.0.113.5:443"], config.Wans[0].Probes.Targets);
        Assert.Equal(["lab", "default", "web"], config.Rules.Select(r => r.Description));
        Assert.Equal(["192.0.2.1/24", "198.18.0.1/15"], config.Settings.Lan.Addresses);
        Assert.Equal(HubKey, config.Settings.Hub.Key);

        using var import = await Client.PostAsync("/api/v1/config/import", Api.RawJson(exported), Ct);
        await import.ExpectAsync(HttpStatusCode.OK, Ct);
        // The import's answer is shown like any read: with the key masked.
        Assert.Equal(await Client.ExportAsync(Ct, secrets: false), await import.Content.ReadAsStringAsync(Ct));
        Assert.Equal(exported, await Client.ExportAsync(Ct));

        // The same document brings a fresh appliance to the same state.
        await using var other = new ApplianceFactory();
        using var otherClient = other.CreateClient(Appliance.Data.Entities.UserRole.Admin);
        using var otherImport = await otherClient.PostAsync("/api/v1/config/import", Api.RawJson(exported), Ct);
        await otherImport.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.Equal(exported, await otherClient.ExportAsync(Ct));
    }

    [Fact]
    public async Task Invalid_import_names_every_bad_path_and_changes_nothing()
    {
        await BuildRichConfigAsync();
        var before = await Client.ExportAsync(Ct);
        var document = JsonNode.Parse(before)!.AsObject();
        document["wans"]![0]!["weight"] = 5000;
        document["rules"]![0]!["wan"] = "ghost";

        using var response = await Client.PostAsync("/api/v1/config/import", Api.RawJson(document.ToJsonString()), Ct);

        var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        Assert.Contains("wans[0].weight", errors.Keys);
        Assert.Contains("rules[0].wan", errors.Keys);
        Assert.Equal(before, await Client.ExportAsync(Ct));
    }

    [Fact]
    public async Task Apply_confirm_and_rollback_make_revisions_and_restore_an_earlier_configuration()
    {
        // Nothing to apply yet.
        using var empty = await Client.PostAsync("/api/v1/config/apply", Api.RawJson("""{"comment":"too early"}"""), Ct);
        Assert.Contains("wans", (await empty.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors().Keys);

        await Client.CreateWanAsync(Api.Wan("fiber", "eth1", weight: 2), Ct);
        using var apply1 = await Client.PostAsync("/api/v1/config/apply", Api.RawJson("""{"comment":"first"}"""), Ct);
        await apply1.ExpectAsync(HttpStatusCode.OK, Ct);
        var revision1 = await apply1.ReadJsonAsync(Ct);
        Assert.Equal(1, revision1.GetProperty("id").GetInt64());
        Assert.Equal("applied", revision1.GetProperty("status").GetString());
        Assert.Equal("first", revision1.GetProperty("comment").GetString());

        // Change the weight and apply with commit-confirm.
        using var put = await Client.PutAsync("/api/v1/wans/fiber", Api.Json(Api.Wan("fiber", "eth1", weight: 5)), Ct);
        await put.ExpectAsync(HttpStatusCode.OK, Ct);
        var pendingBefore = await Client.GetOkAsync<JsonElement>("/api/v1/config/pending", Ct);
        Assert.True(pendingBefore.GetProperty("hasChanges").GetBoolean());
        Assert.Equal(1, pendingBefore.GetProperty("runningRevisionId").GetInt64());

        using var apply2 = await Client.PostAsync("/api/v1/config/apply", Api.RawJson("""{"comment":"heavier","confirmSeconds":60}"""), Ct);
        await apply2.ExpectAsync(HttpStatusCode.OK, Ct);
        var revision2 = await apply2.ReadJsonAsync(Ct);
        Assert.Equal(2, revision2.GetProperty("id").GetInt64());
        Assert.Equal("pending", revision2.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, revision2.GetProperty("confirmDeadline").ValueKind);
        Assert.Equal(1, revision2.GetProperty("previousRevisionId").GetInt64());
        var awaiting = await Client.GetOkAsync<JsonElement>("/api/v1/config/pending", Ct);
        Assert.Equal(2, awaiting.GetProperty("awaitingConfirmation").GetProperty("id").GetInt64());
        Assert.False(awaiting.GetProperty("hasChanges").GetBoolean());

        // No second apply while one awaits confirmation.
        using var blocked = await Client.PostAsync("/api/v1/config/apply", Api.RawJson("{}"), Ct);
        await blocked.ProblemAsync(HttpStatusCode.Conflict, Ct);

        using var confirm = await Client.PostAsync("/api/v1/config/confirm", null, Ct);
        await confirm.ExpectAsync(HttpStatusCode.OK, Ct);
        var confirmed = await confirm.ReadJsonAsync(Ct);
        Assert.Equal(2, confirmed.GetProperty("id").GetInt64());
        Assert.Equal("confirmed", confirmed.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, confirmed.GetProperty("confirmDeadline").ValueKind);

        using var confirmAgain = await Client.PostAsync("/api/v1/config/confirm", null, Ct);
        await confirmAgain.ProblemAsync(HttpStatusCode.Conflict, Ct);

        // Roll back to revision 1: a new revision that restores its configuration, pending copy included.
        using var rollback = await Client.PostAsync("/api/v1/config/rollback/1", Api.RawJson("""{"comment":"back to 2"}"""), Ct);
        await rollback.ExpectAsync(HttpStatusCode.OK, Ct);
        var revision3 = await rollback.ReadJsonAsync(Ct);
        Assert.Equal(3, revision3.GetProperty("id").GetInt64());
        Assert.Equal(1, revision3.GetProperty("rollbackOf").GetInt64());
        Assert.Equal(2, revision3.GetProperty("previousRevisionId").GetInt64());
        Assert.Equal("applied", revision3.GetProperty("status").GetString());
        Assert.Equal(2, (await Client.GetOkAsync<WanLink>("/api/v1/wans/fiber", Ct)).Weight);

        // History, newest first.
        var revisions = await Client.GetOkAsync<JsonElement>("/api/v1/config/revisions", Ct);
        Assert.Equal([3L, 2L, 1L], revisions.EnumerateArray().Select(r => r.GetProperty("id").GetInt64()));
        Assert.Equal(["applied", "confirmed", "applied"], revisions.EnumerateArray().Select(r => r.GetProperty("status").GetString()));

        var detail1 = await Client.GetOkAsync<JsonElement>("/api/v1/config/revisions/1", Ct);
        Assert.Equal(1, detail1.GetProperty("revision").GetProperty("id").GetInt64());
        var config1 = detail1.GetProperty("config").Deserialize<ApplianceConfig>(ConfigJson.Options)!;
        Assert.Equal(2, Assert.Single(config1.Wans).Weight);
        var config2 = (await Client.GetOkAsync<JsonElement>("/api/v1/config/revisions/2", Ct)).GetProperty("config").Deserialize<ApplianceConfig>(ConfigJson.Options)!;
        Assert.Equal(5, Assert.Single(config2.Wans).Weight);

        using var missing = await Client.GetAsync("/api/v1/config/revisions/99", Ct);
        await missing.ProblemAsync(HttpStatusCode.NotFound, Ct);
        using var missingRollback = await Client.PostAsync("/api/v1/config/rollback/99", Api.RawJson("{}"), Ct);
        await missingRollback.ProblemAsync(HttpStatusCode.NotFound, Ct);

        // Every action is in the audit trail, newest first.
        var audit = await Client.GetOkAsync<JsonElement>("/api/v1/audit", Ct);
        var changes = audit.EnumerateArray().Where(a => !a.GetProperty("action").GetString()!.StartsWith("token.", StringComparison.Ordinal)).ToList();
        var actions = changes.Select(a => a.GetProperty("action").GetString()).ToList();
        Assert.Equal(["config.rollback", "config.confirm", "config.apply", "wan.update", "config.apply", "wan.create"], actions);
        // Made with the tests' admin token: the audit names it.
        Assert.All(changes, a => Assert.StartsWith("token:tests-admin", a.GetProperty("actor").GetString(), StringComparison.Ordinal));
        var limited = await Client.GetOkAsync<JsonElement>("/api/v1/audit?limit=2", Ct);
        Assert.Equal(2, limited.GetArrayLength());
    }

    [Fact]
    public async Task Rollback_without_a_body_uses_a_default_comment()
    {
        await Client.CreateWanAsync(Api.Wan("fiber", "eth1"), Ct);
        using var apply = await Client.PostAsync("/api/v1/config/apply", null, Ct);
        await apply.ExpectAsync(HttpStatusCode.OK, Ct);

        using var rollback = await Client.PostAsync("/api/v1/config/rollback/1", null, Ct);

        await rollback.ExpectAsync(HttpStatusCode.OK, Ct);
        var revision = await rollback.ReadJsonAsync(Ct);
        Assert.Equal("rollback to revision 1", revision.GetProperty("comment").GetString());
    }

    [Fact]
    public async Task Apply_with_an_out_of_range_confirm_window_is_refused_on_confirmSeconds()
    {
        await Client.CreateWanAsync(Api.Wan("fiber", "eth1"), Ct);

        using var response = await Client.PostAsync("/api/v1/config/apply", Api.RawJson("""{"confirmSeconds":99999}"""), Ct);

        Assert.Equal(["confirmSeconds"], (await response.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors().Keys);
        Assert.Empty((await Client.GetOkAsync<JsonElement>("/api/v1/config/revisions", Ct)).EnumerateArray());
    }

    [Fact]
    public async Task Status_says_the_engine_is_not_running_and_invents_no_wan_data()
    {
        await Client.CreateWanAsync(Api.Wan("fiber", "eth1"), Ct);
        using var apply = await Client.PostAsync("/api/v1/config/apply", Api.RawJson("{}"), Ct);
        await apply.ExpectAsync(HttpStatusCode.OK, Ct);

        var status = await Client.GetOkAsync<JsonElement>("/api/v1/status", Ct);

        Assert.False(status.GetProperty("running").GetBoolean());
        Assert.Contains("not running", status.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, status.GetProperty("wans").GetArrayLength());
        Assert.Equal(0, status.GetProperty("revisionId").GetInt64());
    }
}
