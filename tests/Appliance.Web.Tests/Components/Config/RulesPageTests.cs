using Appliance.Engine.Configuration;
using Appliance.Web.Components.Pages;
using Bunit;

namespace Appliance.Web.Tests.Components.Config;

public sealed class RulesPageTests : ConfigComponentTest
{
    private async Task<int[]> AddRulesAsync(params string[] descriptions)
    {
        var ids = new List<int>();
        foreach (var description in descriptions)
        {
            var rule = new Rule { Description = description, Protocol = RuleProtocol.Tcp, Destination = "203.0.113.0/24", DestinationPorts = "443" };
            ids.Add((await RuleStore.CreateAsync(rule, null, Tester, Ct)).Value.Id);
        }
        return [.. ids];
    }

    private async Task<string[]> StoredOrderAsync() => (await RuleStore.ListAsync(Ct)).Select(r => r.Value.Description).ToArray();

    private static string[] ShownOrder(IRenderedComponent<Rules> cut) =>
        cut.FindAll("[data-testid='rule-row-description']").Select(d => d.TextContent.Trim()).ToArray();

    [Fact]
    public async Task Moving_a_rule_up_and_down_changes_its_position_in_the_store_and_the_list()
    {
        var ids = await AddRulesAsync("first", "second", "third");
        var cut = Render<Rules>();
        Assert.Equal(["first", "second", "third"], ShownOrder(cut));

        cut.Find($"button[data-testid='rule-up-{ids[2]}']").Click();

        cut.WaitForAssertion(() => Assert.Equal(["first", "third", "second"], ShownOrder(cut)));
        Assert.Equal(["first", "third", "second"], await StoredOrderAsync());

        cut.Find($"button[data-testid='rule-down-{ids[0]}']").Click();

        cut.WaitForAssertion(() => Assert.Equal(["third", "first", "second"], ShownOrder(cut)));
        Assert.Equal(["third", "first", "second"], await StoredOrderAsync());
        // The first rule cannot move further up, the last further down.
        Assert.True(cut.Find($"button[data-testid='rule-up-{ids[2]}']").HasAttribute("disabled"));
        Assert.True(cut.Find($"button[data-testid='rule-down-{ids[1]}']").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Deleting_a_rule_removes_it_and_keeps_the_others_in_order()
    {
        var ids = await AddRulesAsync("first", "second", "third");
        var cut = Render<Rules>();

        cut.Find($"button[data-testid='rule-delete-{ids[1]}']").Click();

        cut.WaitForAssertion(() => Assert.Equal(["first", "third"], ShownOrder(cut)));
        Assert.Equal(["first", "third"], await StoredOrderAsync());
    }

    [Fact]
    public async Task Ports_without_tcp_or_udp_show_the_stores_message_under_the_ports_field()
    {
        var cut = Render<Rules>();
        cut.Find("button[data-testid='rule-add']").Click();
        cut.Find("input[data-testid='rule-description']").Change("web");
        cut.Find("input[data-testid='rule-ports']").Change("443");

        cut.Find("button[data-testid='rule-save']").Click();

        cut.WaitForAssertion(() => Assert.Contains("ports need protocol tcp or udp", FieldText(cut, "rule-ports"), StringComparison.Ordinal));
        Assert.DoesNotContain("ports need", FieldText(cut, "rule-source"), StringComparison.Ordinal);
        Assert.Empty(await RuleStore.ListAsync(Ct));
    }
}
