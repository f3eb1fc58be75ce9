using Appliance.Data.Entities;
using Appliance.Engine.Configuration;
using Appliance.Web.Components.Config;
using Bunit;

namespace Appliance.Web.Tests.Components.Config;

/// <summary>Changes to the ports or the LAN can cut the user off: the apply bar suggests a confirm time for them.</summary>
public sealed class CommitConfirmSuggestionTests : ConfigComponentTest
{
    private async Task ApplyBaselineAsync()
    {
        await WanStore.CreateAsync(Wan("dsl", "eth1"), Tester, Ct);
        await RevisionLog.ApplyAsync("baseline", 0, Tester, Ct);
    }

    private static string ConfirmSeconds(IRenderedComponent<ApplyBar> bar) =>
        bar.Find("input[data-testid='apply-confirm-seconds']").GetAttribute("value") ?? "";

    [Fact]
    public async Task A_change_of_port_roles_preselects_a_confirm_time_and_applying_waits_for_confirmation()
    {
        await ApplyBaselineAsync();
        var bar = Render<ApplyBar>();

        await Store.UpdatePortsAsync([new PortConfig { Name = "eth0", Role = PortRole.Lan }], null, Tester, Ct);

        bar.WaitForAssertion(() => Assert.Contains("the ports' roles", bar.Find("[data-testid='confirm-suggestion']").TextContent, StringComparison.Ordinal));
        Assert.Equal(LockoutRisk.SuggestedConfirmSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), ConfirmSeconds(bar));
        bar.Find("button[data-testid='apply']").Click();

        bar.WaitForAssertion(() => Assert.NotNull(bar.Find("[data-testid='countdown']")));
        var newest = (await RevisionLog.ListAsync(Ct))[0];
        Assert.Equal(RevisionStatus.Pending, newest.Status);
        Assert.Equal(Clock.GetUtcNow().AddSeconds(LockoutRisk.SuggestedConfirmSeconds), newest.ConfirmDeadline);
    }

    [Fact]
    public async Task A_change_of_the_lan_is_suggested_too_and_the_users_own_choice_is_kept()
    {
        await ApplyBaselineAsync();
        var bar = Render<ApplyBar>();
        var settings = await Store.GetSettingsAsync(Ct);

        await Store.UpdateSettingsAsync(settings.Value with { Lan = settings.Value.Lan with { Domain = "home" } }, settings.Version, Tester, Ct);

        bar.WaitForAssertion(() => Assert.Contains("the LAN", bar.Find("[data-testid='confirm-suggestion']").TextContent, StringComparison.Ordinal));
        bar.Find("input[data-testid='apply-confirm-seconds']").Change("0");
        settings = await Store.GetSettingsAsync(Ct);
        await Store.UpdateSettingsAsync(settings.Value with { Lan = settings.Value.Lan with { Domain = "office" } }, settings.Version, Tester, Ct);

        bar.WaitForAssertion(() => Assert.Contains("domain", bar.Find("[data-testid='diff']").TextContent, StringComparison.Ordinal));
        Assert.Equal("0", ConfirmSeconds(bar));
    }

    [Fact]
    public async Task Other_changes_get_no_suggestion()
    {
        await ApplyBaselineAsync();
        var bar = Render<ApplyBar>();
        var dsl = await WanStore.GetAsync("dsl", Ct);

        await WanStore.UpdateAsync("dsl", dsl.Value with { Weight = 5 }, dsl.Version, Tester, Ct);

        bar.WaitForAssertion(() => Assert.NotNull(bar.Find("[data-testid='apply-bar']")));
        Assert.Empty(bar.FindAll("[data-testid='confirm-suggestion']"));
        Assert.Equal("0", ConfirmSeconds(bar));
    }
}
