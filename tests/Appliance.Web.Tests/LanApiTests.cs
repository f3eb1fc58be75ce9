using System.Net;
using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Engine.Network;

namespace Appliance.Web.Tests;

public sealed class LanApiTests : NetworkApiTest
{
    private static LanSettings Lan => new()
    {
        Interfaces = ["lan0"],
        Addresses = ["198.18.0.1/24"],
        Dhcp = new LanDhcpSettings
        {
            Enabled = true, RangeStart = "198.18.0.100", RangeEnd = "198.18.0.199",
            StaticLeases = [new StaticLease { Mac = "02:00:5e:10:00:01", Address = "198.18.0.10", Name = "printer" }],
        },
        Dns = new LanDnsSettings { Enabled = true },
        Domain = "home.arpa",
    };

    [Fact]
    public async Task The_lan_is_replaced_and_the_other_settings_stay()
    {
        var hub = new HubPeerSettings { Address = "203.0.113.10", EdgeId = "edge-1", Key = "correct-horse-battery-staple" };
        using var settings = await Client.PutAsync("/api/v1/settings", Api.Json(new ApplianceSettings { Hub = hub }), Ct);
        await settings.ExpectAsync(HttpStatusCode.OK, Ct);

        using var put = new HttpRequestMessage(HttpMethod.Put, "/api/v1/lan") { Content = Api.Json(Lan) }.WithIfMatch(settings.ETagVersion());
        using var response = await Client.SendAsync(put, Ct);

        await response.ExpectAsync(HttpStatusCode.OK, Ct);
        Api.EqualJson(Lan, await response.ReadAsync<LanSettings>(Ct));
        using var get = await Client.GetAsync("/api/v1/lan", Ct);
        Assert.Equal(response.ETagVersion(), get.ETagVersion());
        Api.EqualJson(Lan, await get.ReadAsync<LanSettings>(Ct));
        var exported = ConfigJson.Deserialize(await Client.ExportAsync(Ct));
        Assert.Equal(hub.Key, exported.Settings.Hub.Key);
        Api.EqualJson(Lan, exported.Settings.Lan);
    }

    [Fact]
    public async Task An_invalid_lan_names_every_field_and_changes_nothing()
    {
        using var good = await Client.PutAsync("/api/v1/lan", Api.Json(Lan), Ct);
        await good.ExpectAsync(HttpStatusCode.OK, Ct);
        var bad = Lan with
        {
            Dhcp = Lan.Dhcp with
            {
                RangeStart = "198.18.1.100", LeaseTimeSeconds = 10,
                StaticLeases = [new StaticLease { Mac = "02:00:5e:10:00:01\ndhcp-script=/tmp/x", Address = "198.18.0.10" }],
            },
            Dns = new LanDnsSettings { Enabled = true, Upstreams = DnsUpstreams.Manual },
            Domain = "home arpa",
        };

        using var response = await Client.PutAsync("/api/v1/lan", Api.Json(bad), Ct);

        var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        Assert.Equal(
            ["settings.lan.dhcp.leaseTimeSeconds", "settings.lan.dhcp.rangeStart", "settings.lan.dhcp.staticLeases[0].mac", "settings.lan.dns.servers", "settings.lan.domain"],
            errors.Keys.Order(StringComparer.Ordinal));
        // The bad value is quoted with its newline escaped, never raw.
        Assert.DoesNotContain("\n", string.Concat(errors.Values.SelectMany(v => v)), StringComparison.Ordinal);
        Api.EqualJson(Lan, await Client.GetOkAsync<LanSettings>("/api/v1/lan", Ct));
    }

    [Fact]
    public async Task Leases_are_listed_as_the_server_holds_them()
    {
        var expires = new DateTimeOffset(2026, 3, 1, 14, 0, 0, TimeSpan.Zero);
        Leases.Leases =
        [
            new LanLease("02:00:5e:10:00:01", "198.18.0.10", "printer", null, true),
            new LanLease("02:00:5e:10:00:42", "198.18.0.117", "laptop", expires, false),
        ];

        var leases = await Client.GetOkAsync<List<LanLease>>("/api/v1/lan/leases", Ct);

        Api.EqualJson<IReadOnlyList<LanLease>>(Leases.Leases, leases);
    }

    [Fact]
    public async Task A_changed_lan_suggests_commit_confirm()
    {
        using var put = await Client.PutAsync("/api/v1/lan", Api.Json(Lan), Ct);
        await put.ExpectAsync(HttpStatusCode.OK, Ct);

        var pending = await Client.GetOkAsync<PendingStatus>("/api/v1/config/pending", Ct);

        Assert.True(pending.SuggestConfirm);
        Assert.Contains("LAN", pending.SuggestConfirmReason, StringComparison.Ordinal);
    }
}
