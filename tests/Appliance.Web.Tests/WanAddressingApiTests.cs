using System.Net;
using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Engine.Network;
using Appliance.Engine.Status;

namespace Appliance.Web.Tests;

public sealed class WanAddressingApiTests : NetworkApiTest
{
    private const string Password = "pppoe-Secret 42!";
    private const string Mask = "********";

    private static WanLink Pppoe(string? password = Password) => Api.Wan("dsl", "eth1") with
    {
        Addressing = new WanAddressing
        {
            Mode = AddressingMode.Pppoe,
            Pppoe = new PppoeSettings { Username = "0001234#0001@isp.example", Password = password, ServiceName = "isp-ac", Mtu = 1480 },
        },
    };

    [Fact]
    public async Task The_pppoe_password_is_write_only_and_the_mask_keeps_it()
    {
        using var created = await Client.PostAsync("/api/v1/wans", Api.Json(Pppoe()), Ct);
        await created.ExpectAsync(HttpStatusCode.Created, Ct);
        Assert.Equal(Mask, (await created.ReadAsync<WanLink>(Ct)).Addressing!.Pppoe!.Password);

        using var get = await Client.GetAsync("/api/v1/wans/dsl", Ct);
        var shown = await get.ReadAsync<WanLink>(Ct);
        Assert.Equal(Mask, shown.Addressing!.Pppoe!.Password);
        Assert.DoesNotContain(Password, await get.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var list = await Client.GetAsync("/api/v1/wans", Ct);
        Assert.DoesNotContain(Password, await list.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, await Client.ExportAsync(Ct, secrets: false), StringComparison.Ordinal);

        // What was shown goes back with another change: the stored password stays.
        var mtu = shown with { Addressing = shown.Addressing with { Pppoe = shown.Addressing.Pppoe with { Mtu = 1492 } } };
        using var put = await Client.PutAsync("/api/v1/wans/dsl", Api.Json(mtu), Ct);
        await put.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.Equal(Mask, (await put.ReadAsync<WanLink>(Ct)).Addressing!.Pppoe!.Password);
        var exported = ConfigJson.Deserialize(await Client.ExportAsync(Ct));
        Assert.Equal(Password, exported.Wans[0].Addressing!.Pppoe!.Password);
        Assert.Equal(1492, exported.Wans[0].Addressing!.Pppoe!.Mtu);

        // A new password replaces it.
        using var replace = await Client.PutAsync("/api/v1/wans/dsl", Api.Json(Pppoe("another-secret")), Ct);
        await replace.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.Equal("another-secret", ConfigJson.Deserialize(await Client.ExportAsync(Ct)).Wans[0].Addressing!.Pppoe!.Password);
    }

    [Fact]
    public async Task Revisions_and_the_audit_trail_never_show_the_password()
    {
        await Client.CreateWanAsync(Pppoe(), Ct);
        using var apply = await Client.PostAsync("/api/v1/config/apply", Api.Json(new { comment = "pppoe" }), Ct);
        await apply.ExpectAsync(HttpStatusCode.OK, Ct);
        var revision = await apply.ReadAsync<RevisionInfo>(Ct);

        using var detail = await Client.GetAsync($"/api/v1/config/revisions/{revision.Id}", Ct);
        await detail.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.DoesNotContain(Password, await detail.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains(Mask, await detail.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var audit = await Client.GetAsync("/api/v1/audit", Ct);
        await audit.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.DoesNotContain(Password, await audit.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_mask_is_no_password_for_a_new_wan()
    {
        using var created = await Client.PostAsync("/api/v1/wans", Api.Json(Pppoe(Mask)), Ct);

        var errors = (await created.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        Assert.Equal(["addressing.pppoe.password"], errors.Keys);
        Assert.Empty(await Client.GetOkAsync<List<WanLink>>("/api/v1/wans", Ct));
    }

    [Fact]
    public async Task A_masked_export_imported_again_keeps_the_password()
    {
        await Client.CreateWanAsync(Pppoe(), Ct);
        var masked = await Client.ExportAsync(Ct, secrets: false);

        using var import = await Client.PostAsync("/api/v1/config/import", Api.RawJson(masked), Ct);

        await import.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.Equal(Password, ConfigJson.Deserialize(await Client.ExportAsync(Ct)).Wans[0].Addressing!.Pppoe!.Password);
    }

    [Fact]
    public async Task Invalid_addressing_names_every_field_and_changes_nothing()
    {
        await Client.CreateWanAsync(Pppoe(), Ct);
        var bad = Pppoe("pass\"word") with { Gateway = "198.51.100.1" };
        bad = bad with { Addressing = bad.Addressing! with { Address = "198.51.100.2/24", Pppoe = bad.Addressing.Pppoe! with { Username = "a b", Mtu = 9000 } } };

        using var response = await Client.PutAsync("/api/v1/wans/dsl", Api.Json(bad), Ct);

        var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        Assert.Equal(
            ["addressing.address", "addressing.pppoe.mtu", "addressing.pppoe.password", "addressing.pppoe.username", "gateway"],
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Password, ConfigJson.Deserialize(await Client.ExportAsync(Ct)).Wans[0].Addressing!.Pppoe!.Password);
    }

    [Fact]
    public async Task Renew_answers_404_for_an_unknown_wan_409_when_there_is_nothing_to_renew_and_202_otherwise()
    {
        await Client.CreateWanAsync(Pppoe(), Ct);

        using var unknown = await Client.PostAsync("/api/v1/wans/cable/renew", null, Ct);
        await unknown.ProblemAsync(HttpStatusCode.NotFound, Ct);
        using var refused = await Client.PostAsync("/api/v1/wans/dsl/renew", null, Ct);
        await refused.ProblemAsync(HttpStatusCode.Conflict, Ct);

        Control.Renewable.Add("dsl");
        using var renewed = await Client.PostAsync("/api/v1/wans/dsl/renew", null, Ct);

        await renewed.ExpectAsync(HttpStatusCode.Accepted, Ct);
        Assert.Equal(["dsl", "dsl"], Control.Renewed);
    }

    [Fact]
    public async Task Status_shows_each_wans_addressing_and_the_ports_in_force()
    {
        await Client.CreateWanAsync(Api.Wan("dsl", "eth1"), Ct);
        using var ports = await Client.PutAsync("/api/v1/ports", Api.Json(new[] { new PortConfig { Name = "eth0", Role = PortRole.Lan }, new PortConfig { Name = "eth1", Role = PortRole.Wan } }), Ct);
        await ports.ExpectAsync(HttpStatusCode.OK, Ct);
        using var apply = await Client.PostAsync("/api/v1/config/apply", null, Ct);
        await apply.ExpectAsync(HttpStatusCode.OK, Ct);
        Inventory.Ports = [new DiscoveredPort("eth0", "02:00:5e:10:00:00", true, 1000), new DiscoveredPort("eth1", "02:00:5e:10:00:01", true, 100)];
        var lease = new WanAddressState("dsl", AddressingMode.Dhcp, "eth1", "198.51.100.2/24", "198.51.100.1", ["198.51.100.53"],
            new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 1, 13, 0, 0, TimeSpan.Zero), "lease until 13:00");
        Addresses.Current = new Dictionary<string, WanAddressState> { ["dsl"] = lease };
        Engine.Current = new EngineStatus(true, "running", 1, null,
            [new WanStatus("dsl", "eth1", "up", true, "up", null, null, null, null, null, null)], []);

        var status = await Client.GetOkAsync<EngineStatus>("/api/v1/status", Ct);

        Api.EqualJson(lease, status.Wans.Single().Addressing);
        Api.EqualJson<IReadOnlyList<PortState>>(
            [new PortState("eth0", PortRole.Lan, true, "02:00:5e:10:00:00", true, 1000), new PortState("eth1", PortRole.Wan, true, "02:00:5e:10:00:01", true, 100)],
            status.Ports);
    }
}
