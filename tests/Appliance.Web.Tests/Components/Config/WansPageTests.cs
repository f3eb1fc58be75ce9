using Appliance.Web.Components.Pages;
using Bunit;

namespace Appliance.Web.Tests.Components.Config;

public sealed class WansPageTests : ConfigComponentTest
{
    private static void FillNewWan(IRenderedComponent<Wans> cut, string name, string iface, string weight)
    {
        cut.Find("[data-testid='wan-add']").Click();
        cut.Find("input[data-testid='wan-name']").Change(name);
        cut.Find("input[data-testid='wan-interface']").Change(iface);
        cut.Find("input[data-testid='wan-weight']").Change(weight);
        cut.Find("textarea[data-testid='wan-targets']").Change("198.51.100.1\ntcp://203.0.113.5:443");
    }

    [Fact]
    public async Task An_invalid_weight_shows_the_stores_message_under_the_weight_field_and_saves_nothing()
    {
        var cut = Render<Wans>();
        FillNewWan(cut, "dsl", "eth1", "0");

        cut.Find("[data-testid='wan-save']").Click();

        cut.WaitForAssertion(() => Assert.Contains("must be between 1 and 1000", FieldText(cut, "wan-weight"), StringComparison.Ordinal));
        Assert.DoesNotContain("must be between", FieldText(cut, "wan-tier"), StringComparison.Ordinal);
        Assert.DoesNotContain("must be between", FieldText(cut, "wan-name"), StringComparison.Ordinal);
        Assert.Empty(await WanStore.ListAsync(Ct));
        // The form stays open with what was typed, so the user can correct it.
        Assert.Equal("dsl", cut.Find("input[data-testid='wan-name']").GetAttribute("value"));
    }

    [Fact]
    public async Task A_valid_wan_is_stored_and_appears_in_the_list()
    {
        var cut = Render<Wans>();
        FillNewWan(cut, "dsl", "eth1", "5");

        cut.Find("[data-testid='wan-save']").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid='wan-form']")));
        var row = cut.Find("[data-testid='wan-list'] tbody tr");
        Assert.Contains("dsl", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("eth1", row.TextContent, StringComparison.Ordinal);
        var stored = Assert.Single(await WanStore.ListAsync(Ct)).Value;
        Assert.Equal(5, stored.Weight);
        Assert.Equal(["198.51.100.1", "tcp://203.0.113.5:443"], stored.Probes.Targets);
    }

    [Fact]
    public async Task Saving_an_edit_of_a_wan_changed_meanwhile_shows_a_conflict_and_keeps_the_other_change()
    {
        await WanStore.CreateAsync(Wan("dsl", "eth1", weight: 2), Tester, Ct);
        var cut = Render<Wans>();
        cut.Find("[data-testid='wan-edit-dsl']").Click();
        cut.Find("input[data-testid='wan-weight']").Change("9");
        // Someone else saves first.
        var current = await WanStore.GetAsync("dsl", Ct);
        await WanStore.UpdateAsync("dsl", current.Value with { Weight = 3 }, current.Version, Tester, Ct);

        cut.Find("[data-testid='wan-save']").Click();

        cut.WaitForAssertion(() => Assert.Contains("changed this since you opened it", cut.Find("[data-testid='conflict']").TextContent, StringComparison.Ordinal));
        Assert.Equal(3, (await WanStore.GetAsync("dsl", Ct)).Value.Weight);
        Assert.Contains(">3<", cut.Find("[data-testid='wan-list'] tbody tr").InnerHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Saving_after_the_users_session_ended_elsewhere_is_refused_and_stores_nothing()
    {
        var cut = Render<Wans>();
        FillNewWan(cut, "dsl", "eth1", "5");

        // A password change elsewhere ends every session of the user, this open page's included.
        await Accounts.UpdateAsync(AdminName, new Appliance.Data.Store.Security.UserUpdate(Password: "a-password-set-elsewhere"), Tester, Ct);
        cut.Find("[data-testid='wan-save']").Click();

        cut.WaitForAssertion(() => Assert.Contains("Your session has ended", cut.Markup, StringComparison.Ordinal));
        Assert.Empty(await WanStore.ListAsync(Ct));
    }

    [Fact]
    public async Task Deleting_a_wan_removes_it_from_the_store_and_the_list()
    {
        await WanStore.CreateAsync(Wan("dsl", "eth1"), Tester, Ct);
        await WanStore.CreateAsync(Wan("lte", "wwan0"), Tester, Ct);
        var cut = Render<Wans>();

        cut.Find("[data-testid='wan-delete-dsl']").Click();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid='wan-list'] tbody tr")));
        Assert.Equal("lte", Assert.Single(await WanStore.ListAsync(Ct)).Value.Name);
    }
}
