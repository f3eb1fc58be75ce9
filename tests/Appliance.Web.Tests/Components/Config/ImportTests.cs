using Appliance.Engine.Configuration;
using Appliance.Web.Components.Config;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;

namespace Appliance.Web.Tests.Components.Config;

public sealed class ImportTests : ConfigComponentTest
{
    private static void Upload(IRenderedComponent<ImportExport> cut, string json) =>
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(json, "config.json", contentType: "application/json"));

    [Fact]
    public async Task An_invalid_document_shows_the_validation_errors_and_changes_nothing()
    {
        await WanStore.CreateAsync(Wan("dsl", "eth1", weight: 2), Tester, Ct);
        var before = ConfigJson.Serialize(await Store.GetPendingAsync(Ct));
        var document = new ApplianceConfig { Wans = [Wan("lte", "wwan0", weight: 0), Wan("cable", "eth2")] };
        var cut = Render<ImportExport>();

        Upload(cut, ConfigJson.Serialize(document));

        cut.WaitForAssertion(() => Assert.Contains("wans[0].weight: must be between 1 and 1000", cut.Find("[data-testid='import-error']").TextContent, StringComparison.Ordinal));
        Assert.Equal(before, ConfigJson.Serialize(await Store.GetPendingAsync(Ct)));
        Assert.Empty(cut.FindAll("[data-testid='import-done']"));
    }

    [Fact]
    public async Task A_file_that_is_not_a_configuration_is_refused_and_changes_nothing()
    {
        await WanStore.CreateAsync(Wan("dsl", "eth1"), Tester, Ct);
        var cut = Render<ImportExport>();

        Upload(cut, """{ "wans": [ { "name": "dsl", "colour": "blue" } ] }""");

        cut.WaitForAssertion(() => Assert.Contains("is not a configuration document", cut.Find("[data-testid='import-error']").TextContent, StringComparison.Ordinal));
        Assert.Equal("eth1", Assert.Single(await WanStore.ListAsync(Ct)).Value.Interface);
    }

    [Fact]
    public async Task A_valid_document_replaces_the_pending_configuration_and_a_masked_key_keeps_the_stored_one()
    {
        var settings = await Store.GetSettingsAsync(Ct);
        await Store.UpdateSettingsAsync(settings.Value with { Hub = settings.Value.Hub with { Key = "stored-secret-key-0123456789" } }, settings.Version, Tester, Ct);
        var document = new ApplianceConfig
        {
            Wans = [Wan("cable", "eth2")],
            Settings = new ApplianceSettings { Hub = new HubPeerSettings { Address = "203.0.113.200", Key = "********" } },
        };
        var cut = Render<ImportExport>();

        Upload(cut, ConfigJson.Serialize(document));

        cut.WaitForAssertion(() => Assert.Contains("1 WANs", cut.Find("[data-testid='import-done']").TextContent, StringComparison.Ordinal));
        var pending = await Store.GetPendingAsync(Ct);
        Assert.Equal("cable", Assert.Single(pending.Wans).Name);
        Assert.Equal("stored-secret-key-0123456789", pending.Settings.Hub.Key);
        // A plain download link to the API: no script, and the router leaves links with a download attribute alone.
        var export = cut.Find("a[data-testid='export']");
        Assert.Equal("/api/v1/config/export", export.GetAttribute("href"));
        Assert.True(export.HasAttribute("download"));
    }
}
