using Appliance.Data.Entities;
using Appliance.Engine.Configuration;
using Appliance.Web.Components.Config;
using Appliance.Web.Components.Pages;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace Appliance.Web.Tests.Components.Config;

public sealed class ApplyBarTests : ConfigComponentTest
{
    private const string HubKey = "0123456789abcdef-shared-key";

    private IRenderedComponent<ApplyBar> RenderBar() => Render<ApplyBar>();

    private async Task ApplyBaselineAsync()
    {
        await WanStore.CreateAsync(Wan("dsl", "eth1", weight: 1), Tester, Ct);
        await RevisionLog.ApplyAsync("baseline", 0, Tester, Ct);
    }

    [Fact]
    public async Task Without_pending_changes_the_bar_is_not_shown()
    {
        await ApplyBaselineAsync();

        var cut = RenderBar();

        Assert.Empty(cut.FindAll("[data-testid='apply-bar']"));
    }

    [Fact]
    public async Task An_edit_from_outside_the_ui_shows_the_bar_without_a_reload()
    {
        await ApplyBaselineAsync();
        var cut = RenderBar();
        Assert.Empty(cut.FindAll("[data-testid='apply-bar']"));

        // As the REST API does it: straight to the store, no page involved.
        await WanStore.CreateAsync(Wan("lte", "wwan0"), Tester, Ct);

        cut.WaitForAssertion(() => Assert.Contains("WAN lte", cut.Find("[data-testid='apply-bar']").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_bar_shows_the_pending_changes_against_the_running_revision_without_the_hub_key()
    {
        await ApplyBaselineAsync();
        var dsl = await WanStore.GetAsync("dsl", Ct);
        await WanStore.UpdateAsync("dsl", dsl.Value with { Weight = 7 }, dsl.Version, Tester, Ct);
        await WanStore.CreateAsync(Wan("lte", "wwan0"), Tester, Ct);
        var settings = await Store.GetSettingsAsync(Ct);
        await Store.UpdateSettingsAsync(settings.Value with { Hub = settings.Value.Hub with { Address = "203.0.113.200", Key = HubKey } }, settings.Version, Tester, Ct);

        var cut = RenderBar();

        var diff = cut.Find("[data-testid='diff']").TextContent;
        Assert.Contains("WAN dsl", diff, StringComparison.Ordinal);
        Assert.Contains("weight: 1 → 7", diff, StringComparison.Ordinal);
        Assert.Contains("WAN lte", diff, StringComparison.Ordinal);
        Assert.Contains("interface: wwan0", diff, StringComparison.Ordinal);
        Assert.Contains("hub.address: (none) → 203.0.113.200", diff, StringComparison.Ordinal);
        Assert.Contains("hub.key: changed", diff, StringComparison.Ordinal);
        Assert.DoesNotContain(HubKey, cut.Markup, StringComparison.Ordinal);
        Assert.Equal(3, cut.FindAll("[data-testid='diff-item']").Count);
    }

    [Fact]
    public async Task An_edit_on_a_page_shows_the_bar_and_apply_with_a_comment_creates_a_running_revision()
    {
        await ApplyBaselineAsync();
        var bar = RenderBar();
        var page = Render<Wans>();
        Assert.Empty(bar.FindAll("[data-testid='apply-bar']"));

        page.Find("[data-testid='wan-edit-dsl']").Click();
        page.Find("input[data-testid='wan-weight']").Change("4");
        page.Find("[data-testid='wan-save']").Click();

        bar.WaitForAssertion(() => Assert.Contains("weight: 1 → 4", bar.Find("[data-testid='diff']").TextContent, StringComparison.Ordinal));
        bar.Find("input[data-testid='apply-comment']").Change("more weight on dsl");
        bar.Find("button[data-testid='apply']").Click();

        bar.WaitForAssertion(() => Assert.Empty(bar.FindAll("[data-testid='apply-bar']")));
        var revision = (await RevisionLog.ListAsync(Ct))[0];
        Assert.Equal(2, revision.Id);
        Assert.Equal("more weight on dsl", revision.Comment);
        Assert.Equal("admin", revision.Author);
        Assert.Equal(RevisionStatus.Applied, revision.Status);
        Assert.Equal(2, Running.Current.RevisionId);
        Assert.Equal(4, Running.Current.Config.Wans[0].Weight);
    }

    [Fact]
    public async Task Apply_with_a_confirm_countdown_shows_it_ticking_and_confirming_keeps_the_revision()
    {
        await ApplyBaselineAsync();
        await WanStore.CreateAsync(Wan("lte", "wwan0"), Tester, Ct);
        var cut = RenderBar();
        cut.Find("input[data-testid='apply-comment']").Change("try lte");
        cut.Find("input[data-testid='apply-confirm-seconds']").Change("60");

        cut.Find("button[data-testid='apply']").Click();

        cut.WaitForAssertion(() => Assert.Equal(60, SecondsLeft(cut)));
        Assert.NotNull(cut.Find("button[data-testid='confirm']"));
        Assert.Equal(RevisionStatus.Pending, (await RevisionLog.GetAsync(2, Ct)).Revision.Status);
        // The countdown redraws by itself, once a second.
        Clock.Advance(TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() => Assert.Equal(59, SecondsLeft(cut)));
        Clock.Advance(TimeSpan.FromSeconds(20));
        cut.WaitForAssertion(() => Assert.Equal(39, SecondsLeft(cut)));

        cut.Find("button[data-testid='confirm']").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid='countdown']")));
        Assert.Empty(cut.FindAll("[data-testid='apply-bar']"));
        // Confirmed: the deadline passing changes nothing any more.
        Clock.Advance(TimeSpan.FromSeconds(120));
        var kept = (await RevisionLog.GetAsync(2, Ct)).Revision;
        Assert.Equal(RevisionStatus.Confirmed, kept.Status);
        Assert.Null(kept.ConfirmDeadline);
        Assert.Equal(2, Running.Current.RevisionId);
        Assert.Empty(cut.FindAll("[data-testid='reverted']"));
    }

    [Fact]
    public async Task An_unconfirmed_apply_is_reverted_by_the_store_and_the_bar_says_so()
    {
        await ApplyBaselineAsync();
        await WanStore.CreateAsync(Wan("lte", "wwan0"), Tester, Ct);
        var cut = RenderBar();
        cut.Find("input[data-testid='apply-confirm-seconds']").Change("30");
        cut.Find("button[data-testid='apply']").Click();
        cut.WaitForAssertion(() => Assert.Equal(30, SecondsLeft(cut)));

        // The store's own timer reverts at the deadline; the bar hears of it through the live feed.
        Clock.Advance(TimeSpan.FromSeconds(30));

        cut.WaitForAssertion(() => Assert.Contains("Revision 2 was reverted", cut.Find("[data-testid='reverted']").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid='countdown']"));
        Assert.Equal(1, Running.Current.RevisionId);
        Assert.Equal(RevisionStatus.Reverted, (await RevisionLog.GetAsync(2, Ct)).Revision.Status);
        // The edit is still pending, ready to apply again.
        Assert.Contains("WAN lte", cut.Find("[data-testid='diff']").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bar_opened_after_a_revert_says_that_the_newest_revision_was_reverted()
    {
        await ApplyBaselineAsync();
        await WanStore.CreateAsync(Wan("lte", "wwan0"), Tester, Ct);
        await RevisionLog.ApplyAsync("risky", 10, Tester, Ct);
        Clock.Advance(TimeSpan.FromSeconds(10));
        await WaitUntilAsync(() => Running.Current.RevisionId == 1);

        var cut = RenderBar();

        Assert.Contains("Revision 2 was reverted", cut.Find("[data-testid='reverted']").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid='countdown']"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the store's revert");
            await Task.Delay(20, Ct);
        }
    }

    [Fact]
    public async Task An_apply_from_a_bar_whose_user_was_demoted_meanwhile_is_refused_and_nothing_runs()
    {
        await ApplyBaselineAsync();
        await WanStore.CreateAsync(Wan("lte", "wwan0"), Tester, Ct);
        await Accounts.CreateAsync(new Appliance.Data.Store.Security.NewUser("root", "roots-long-password", UserRole.Admin), Tester, Ct);
        var cut = RenderBar();

        await Accounts.UpdateAsync(AdminName, new Appliance.Data.Store.Security.UserUpdate(Role: UserRole.Viewer), Tester, Ct);
        cut.Find("button[data-testid='apply']").Click();

        cut.WaitForAssertion(() => Assert.Contains("Your session has ended", cut.Find("[data-testid='apply-error']").TextContent, StringComparison.Ordinal));
        Assert.Single(await RevisionLog.ListAsync(Ct));
    }

    [Fact]
    public async Task A_viewer_gets_no_apply_bar()
    {
        await WanStore.CreateAsync(Wan("dsl", "eth1"), Tester, Ct);
        var auth = AddAuthorization();
        auth.SetAuthorized("vera");
        auth.SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Role, "viewer"));

        var cut = RenderBar();

        Assert.Empty(cut.FindAll("[data-testid='apply-bar']"));
    }

    private static int SecondsLeft(IRenderedComponent<ApplyBar> cut) =>
        int.Parse(cut.Find("[data-testid='seconds-left']").TextContent.Replace(" s", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
}
