using Appliance.Engine.Configuration;
using Appliance.Web.Components.Pages;
using Bunit;

namespace Appliance.Web.Tests.Components.Config;

public sealed class FactoryResetPanelTests : ConfigComponentTest
{
    [Fact]
    public async Task The_reset_waits_for_the_typed_confirmation_then_applies_the_factory_configuration()
    {
        // The component tests' data services have no port inventory: the reset takes the ports the configuration names.
        var ports = await Store.GetPortsAsync(Ct);
        await Store.UpdatePortsAsync([new PortConfig { Name = "eth0", Role = PortRole.Lan }, new PortConfig { Name = "eth1", Role = PortRole.Wan }], ports.Version, Tester, Ct);
        var cut = Render<Settings>();
        var button = cut.Find("button[data-testid='factory-reset-button']");
        Assert.True(button.HasAttribute("disabled"));

        cut.Find("input[data-testid='factory-reset-confirm']").Input("factory-reset");
        cut.Find("button[data-testid='factory-reset-button']").Click();

        cut.WaitForAssertion(() => Assert.Contains("applied as revision", cut.Find("[data-testid='factory-reset-done']").TextContent, StringComparison.Ordinal));
        var pending = await Store.GetPendingAsync(Ct);
        Assert.Equal(["eth0", "eth1"], pending.Ports.Select(p => p.Name));
        Assert.Equal(["eth1"], pending.Wans.Select(w => w.Interface));
    }
}
