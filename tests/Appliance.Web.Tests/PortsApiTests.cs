using System.Net;
using Appliance.Data.Entities;
using Appliance.Engine.Configuration;
using Appliance.Engine.Network;

namespace Appliance.Web.Tests;

public sealed class PortsApiTests : NetworkApiTest
{
    private static readonly PortConfig[] Roles =
    [
        new() { Name = "eth0", Role = PortRole.Lan },
        new() { Name = "eth5", Role = PortRole.Wan },
    ];

    private async Task<HttpResponseMessage> PutAsync(IReadOnlyList<PortConfig> ports, long? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/ports") { Content = Api.Json(ports) };
        return await Client.SendAsync(ifMatch is { } v ? request.WithIfMatch(v) : request, Ct);
    }

    [Fact]
    public async Task Ports_join_the_roles_with_what_the_box_has()
    {
        Inventory.Ports = [new DiscoveredPort("eth7", "02:00:5e:10:00:07", false, null), new DiscoveredPort("eth0", "02:00:5e:10:00:00", true, 1000)];
        using var put = await PutAsync(Roles);
        await put.ExpectAsync(HttpStatusCode.OK, Ct);

        using var get = await Client.GetAsync("/api/v1/ports", Ct);

        await get.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.Equal(1, get.ETagVersion());
        Api.EqualJson<IReadOnlyList<PortState>>(
            [
                new PortState("eth0", PortRole.Lan, true, "02:00:5e:10:00:00", true, 1000),
                new PortState("eth5", PortRole.Wan, false, null, false, null),
                new PortState("eth7", PortRole.Unused, true, "02:00:5e:10:00:07", false, null),
            ],
            await get.ReadAsync<List<PortState>>(Ct));
    }

    [Fact]
    public async Task Roles_are_replaced_under_their_etag_and_a_stale_one_gets_412()
    {
        using var first = await PutAsync(Roles, ifMatch: 0);
        await first.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.Equal(1, first.ETagVersion());

        using var second = await PutAsync([Roles[0]], ifMatch: 1);
        await second.ExpectAsync(HttpStatusCode.OK, Ct);
        using var stale = await PutAsync([], ifMatch: 1);
        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed, Ct);

        var ports = await Client.GetOkAsync<List<PortState>>("/api/v1/ports", Ct);
        Assert.Equal(["eth0"], ports.Select(p => p.Name));
    }

    [Fact]
    public async Task Invalid_roles_give_a_problem_naming_every_field_and_change_nothing()
    {
        await Client.CreateWanAsync(Api.Wan("dsl", "eth5"), Ct);
        using var good = await PutAsync(Roles);
        await good.ExpectAsync(HttpStatusCode.OK, Ct);

        using var bad = await Client.PutAsync("/api/v1/ports", Api.RawJson("""
            [{"name":"eth0;reboot","role":"lan"},{"name":"eth5","role":"lan"},{"name":"eth0","role":"wan"},{"name":"eth6","role":"unused"},{"name":"eth6"}]
            """), Ct);

        var errors = (await bad.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        Assert.Equal(["ports[0].name", "ports[1].role", "ports[4].name"], errors.Keys.Order(StringComparer.Ordinal));
        using var after = await Client.GetAsync("/api/v1/ports", Ct);
        Assert.Equal(1, after.ETagVersion());
        Assert.Equal(["eth0", "eth5"], (await after.ReadAsync<List<PortState>>(Ct)).Select(p => p.Name));
    }

    [Fact]
    public async Task An_unknown_role_is_a_bad_request()
    {
        using var bad = await Client.PutAsync("/api/v1/ports", Api.RawJson("""[{"name":"eth0","role":"uplink"}]"""), Ct);

        await bad.ProblemAsync(HttpStatusCode.BadRequest, Ct);
        Assert.Empty(await Client.GetOkAsync<List<PortState>>("/api/v1/ports", Ct));
    }

    [Fact]
    public async Task A_viewer_reads_the_ports_but_cannot_change_them()
    {
        using var viewer = Factory.CreateClient(UserRole.Viewer);

        using var get = await viewer.GetAsync("/api/v1/ports", Ct);
        await get.ExpectAsync(HttpStatusCode.OK, Ct);
        using var put = await viewer.PutAsync("/api/v1/ports", Api.Json(Roles), Ct);
        await put.ProblemAsync(HttpStatusCode.Forbidden, Ct);
    }

    [Fact]
    public async Task Changed_roles_suggest_commit_confirm_until_applied()
    {
        await Client.CreateWanAsync(Api.Wan("dsl", "eth5"), Ct);
        using var applied = await Client.PostAsync("/api/v1/config/apply", Api.Json(new { comment = "wan only" }), Ct);
        await applied.ExpectAsync(HttpStatusCode.OK, Ct);
        var before = await Client.GetOkAsync<Appliance.Data.Store.PendingStatus>("/api/v1/config/pending", Ct);
        Assert.False(before.SuggestConfirm);

        using var put = await PutAsync(Roles);
        await put.ExpectAsync(HttpStatusCode.OK, Ct);
        var pending = await Client.GetOkAsync<Appliance.Data.Store.PendingStatus>("/api/v1/config/pending", Ct);

        Assert.True(pending.HasChanges);
        Assert.True(pending.SuggestConfirm);
        Assert.Contains("port roles", pending.SuggestConfirmReason, StringComparison.Ordinal);

        using var confirmed = await Client.PostAsync("/api/v1/config/apply", Api.Json(new { confirmSeconds = 120 }), Ct);
        await confirmed.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.False((await Client.GetOkAsync<Appliance.Data.Store.PendingStatus>("/api/v1/config/pending", Ct)).SuggestConfirm);
    }
}
