using Appliance.Data.Entities;
using Appliance.Engine.Configuration;
using Appliance.Web.Components.Pages;
using Bunit;

namespace Appliance.Web.Tests.Components.Config;

public sealed class SettingsAndRevisionsTests : ConfigComponentTest
{
    private const string StoredKey = "stored-secret-key-0123456789";

    [Fact]
    public async Task The_hub_key_is_write_only_an_empty_field_keeps_it_and_a_typed_one_replaces_it()
    {
        var settings = await Store.GetSettingsAsync(Ct);
        await Store.UpdateSettingsAsync(settings.Value with { Hub = new HubPeerSettings { Address = "203.0.113.200", EdgeId = "branch-7", Key = StoredKey } }, settings.Version, Tester, Ct);
        var cut = Render<Settings>();
        Assert.DoesNotContain(StoredKey, cut.Markup, StringComparison.Ordinal);

        cut.Find("input[data-testid='hub-address']").Change("203.0.113.201");
        cut.Find("button[data-testid='settings-save']").Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid='settings-saved']")));
        var kept = (await Store.GetSettingsAsync(Ct)).Value.Hub;
        Assert.Equal("203.0.113.201", kept.Address);
        Assert.Equal(StoredKey, kept.Key);

        cut.Find("input[data-testid='hub-key']").Change("a-brand-new-shared-key-42");
        cut.Find("button[data-testid='settings-save']").Click();

        cut.WaitForAssertion(() => Assert.Equal("a-brand-new-shared-key-42", Store.GetSettingsAsync(Ct).Result.Value.Hub.Key));
        Assert.DoesNotContain("a-brand-new-shared-key-42", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_lan_address_shows_the_stores_message_under_the_addresses_field()
    {
        var cut = Render<Settings>();

        cut.Find("textarea[data-testid='lan-addresses']").Change("192.0.2.1/24\nnot-an-address");
        cut.Find("button[data-testid='settings-save']").Click();

        cut.WaitForAssertion(() => Assert.Contains("entry 2:", FieldText(cut, "lan-addresses"), StringComparison.Ordinal));
        Assert.Empty((await Store.GetSettingsAsync(Ct)).Value.Lan.Addresses);
    }

    [Fact]
    public async Task Rolling_back_from_the_revisions_page_runs_the_old_revision_again_as_a_new_one()
    {
        await WanStore.CreateAsync(Wan("dsl", "eth1", weight: 1), Tester, Ct);
        await RevisionLog.ApplyAsync("one", 0, Tester, Ct);
        var dsl = await WanStore.GetAsync("dsl", Ct);
        await WanStore.UpdateAsync("dsl", dsl.Value with { Weight = 9 }, dsl.Version, Tester, Ct);
        await RevisionLog.ApplyAsync("two", 0, Tester, Ct);
        var cut = Render<Revisions>();

        cut.Find("button[data-testid='revision-view-1']").Click();
        cut.Find("button[data-testid='view-diff-running']").Click();
        cut.WaitForAssertion(() => Assert.Contains("weight: 9 → 1", cut.Find("[data-testid='diff']").TextContent, StringComparison.Ordinal));
        cut.Find("input[data-testid='rollback-comment']").Change("back to one");
        cut.Find("button[data-testid='rollback']").Click();

        cut.WaitForAssertion(() => Assert.Contains("rollback to 1", cut.Find("[data-testid='revision-status-3']").TextContent, StringComparison.Ordinal));
        var newest = (await RevisionLog.ListAsync(Ct))[0];
        Assert.Equal((3L, "back to one", RevisionStatus.Applied, (long?)1), (newest.Id, newest.Comment, newest.Status, newest.RollbackOf));
        Assert.Equal(1, Running.Current.Config.Wans[0].Weight);
    }
}
