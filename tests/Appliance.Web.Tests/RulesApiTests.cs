using System.Net;
using Appliance.Engine.Configuration;

namespace Appliance.Web.Tests;

public sealed class RulesApiTests : ApiTest
{
    private async Task<int[]> RuleIdsInOrderAsync() =>
        (await Client.GetOkAsync<List<Rule>>("/api/v1/rules", Ct)).Select(r => r.Id).ToArray();

    [Fact]
    public async Task Rules_keep_their_order_and_position_inserts_and_moves_them()
    {
        await Client.CreateWanAsync(Api.Wan("fiber", "eth1"), Ct);

        var balance = await Client.CreateRuleAsync(new Rule { Description = "everything else", Action = RuleAction.Balance }, Ct);
        var pin = await Client.CreateRuleAsync(new Rule { Description = "voip", Destination = "203.0.113.0/24", Action = RuleAction.Pin, Wan = "fiber" }, Ct);
        var bond = await Client.CreateRuleAsync(
            new Rule { Description = "web", Protocol = RuleProtocol.Tcp, DestinationPorts = "80,443", Action = RuleAction.Bond }, Ct);

        Assert.Equal(3, new[] { balance.Id, pin.Id, bond.Id }.Distinct().Count());
        Assert.All(new[] { balance, pin, bond }, r => Assert.True(r.Id > 0));
        Assert.Equal([balance.Id, pin.Id, bond.Id], await RuleIdsInOrderAsync());

        var stored = await Client.GetOkAsync<List<Rule>>("/api/v1/rules", Ct);
        Assert.Equal(("fiber", RuleAction.Pin), (stored[1].Wan, stored[1].Action));
        Assert.Equal((RuleProtocol.Tcp, "80,443", RuleAction.Bond), (stored[2].Protocol, stored[2].DestinationPorts, stored[2].Action));

        // ?position=0 puts the new rule first.
        using var firstResponse = await Client.PostAsync("/api/v1/rules?position=0", Api.Json(new Rule { Description = "block-ish", Source = "198.51.100.0/24" }), Ct);
        await firstResponse.ExpectAsync(HttpStatusCode.Created, Ct);
        var first = await firstResponse.ReadAsync<Rule>(Ct);
        Assert.Equal($"/api/v1/rules/{first.Id}", firstResponse.Headers.Location?.OriginalString);
        Assert.Equal(1, firstResponse.ETagVersion());
        Assert.Equal([first.Id, balance.Id, pin.Id, bond.Id], await RuleIdsInOrderAsync());

        // PUT with ?position= moves the rule (and replaces it).
        using var moved = await Client.PutAsync($"/api/v1/rules/{balance.Id}?position=3", Api.Json(balance with { Description = "catch-all" }), Ct);
        await moved.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.Equal(2, moved.ETagVersion());
        Assert.Equal([first.Id, pin.Id, bond.Id, balance.Id], await RuleIdsInOrderAsync());
        Assert.Equal("catch-all", (await Client.GetOkAsync<Rule>($"/api/v1/rules/{balance.Id}", Ct)).Description);

        // PUT without ?position= keeps the place.
        using var inPlace = await Client.PutAsync($"/api/v1/rules/{pin.Id}", Api.Json(pin with { Strict = true }), Ct);
        await inPlace.ExpectAsync(HttpStatusCode.OK, Ct);
        Assert.Equal([first.Id, pin.Id, bond.Id, balance.Id], await RuleIdsInOrderAsync());
    }

    [Fact]
    public async Task Rule_pinning_to_a_missing_wan_gives_400_on_wan_and_stores_nothing()
    {
        await Client.CreateWanAsync(Api.Wan("fiber", "eth1"), Ct);

        using var response = await Client.PostAsync("/api/v1/rules", Api.Json(new Rule { Action = RuleAction.Pin, Wan = "ghost" }), Ct);

        var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        Assert.Equal(["wan"], errors.Keys);
        Assert.Contains("ghost", errors["wan"][0], StringComparison.Ordinal);
        Assert.Empty(await Client.GetOkAsync<List<Rule>>("/api/v1/rules", Ct));
    }

    [Fact]
    public async Task Deleting_a_wan_that_a_pin_rule_uses_gives_409_and_keeps_both()
    {
        await Client.CreateWanAsync(Api.Wan("fiber", "eth1"), Ct);
        var pin = await Client.CreateRuleAsync(new Rule { Action = RuleAction.Pin, Wan = "fiber" }, Ct);

        using var response = await Client.DeleteAsync("/api/v1/wans/fiber", Ct);

        var problem = await response.ProblemAsync(HttpStatusCode.Conflict, Ct);
        Assert.Contains(pin.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Single(await Client.GetOkAsync<List<WanLink>>("/api/v1/wans", Ct));
        Assert.Equal([pin.Id], await RuleIdsInOrderAsync());

        // Once the rule is gone the WAN can go.
        using var deleteRule = await Client.DeleteAsync($"/api/v1/rules/{pin.Id}", Ct);
        await deleteRule.ExpectAsync(HttpStatusCode.NoContent, Ct);
        using var deleteWan = await Client.DeleteAsync("/api/v1/wans/fiber", Ct);
        await deleteWan.ExpectAsync(HttpStatusCode.NoContent, Ct);
    }

    [Fact]
    public async Task Invalid_rule_names_every_bad_field_without_a_path_prefix()
    {
        var bad = new Rule
        {
            Source = "198.51.100.1/24", // host bits set
            Protocol = RuleProtocol.Icmp,
            DestinationPorts = "80",
            Action = RuleAction.Balance,
            Strict = true,
        };

        using var response = await Client.PostAsync("/api/v1/rules", Api.Json(bad), Ct);

        var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest, Ct)).Errors();
        Assert.All(["source", "destinationPorts", "strict"], key => Assert.Contains(key, errors.Keys));
        Assert.DoesNotContain(errors.Keys, k => k.StartsWith("rules[", StringComparison.Ordinal));
        Assert.Empty(await Client.GetOkAsync<List<Rule>>("/api/v1/rules", Ct));
    }

    [Fact]
    public async Task Rule_update_and_delete_honour_if_match()
    {
        var rule = await Client.CreateRuleAsync(new Rule { Description = "all" }, Ct);

        using var stalePut = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/rules/{rule.Id}") { Content = Api.Json(rule with { Description = "x" }) }.WithIfMatch(7);
        using var staleResponse = await Client.SendAsync(stalePut, Ct);
        await staleResponse.ProblemAsync(HttpStatusCode.PreconditionFailed, Ct);
        Assert.Equal("all", (await Client.GetOkAsync<Rule>($"/api/v1/rules/{rule.Id}", Ct)).Description);

        using var staleDelete = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/rules/{rule.Id}").WithIfMatch(7);
        using var staleDeleteResponse = await Client.SendAsync(staleDelete, Ct);
        await staleDeleteResponse.ProblemAsync(HttpStatusCode.PreconditionFailed, Ct);

        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/rules/{rule.Id}").WithIfMatch(1);
        using var deleteResponse = await Client.SendAsync(delete, Ct);
        await deleteResponse.ExpectAsync(HttpStatusCode.NoContent, Ct);
        using var gone = await Client.GetAsync($"/api/v1/rules/{rule.Id}", Ct);
        await gone.ProblemAsync(HttpStatusCode.NotFound, Ct);
    }

    [Fact]
    public async Task Rule_ids_in_the_body_are_ignored_on_create()
    {
        var rule = await Client.CreateRuleAsync(new Rule { Id = 4242, Description = "all" }, Ct);

        Assert.NotEqual(4242, rule.Id);
        Assert.Equal([rule.Id], await RuleIdsInOrderAsync());
    }
}
