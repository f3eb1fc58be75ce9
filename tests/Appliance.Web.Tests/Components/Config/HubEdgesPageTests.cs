using Appliance.Data.Store;
using Appliance.Engine.Status;
using Appliance.Web.Components.Pages;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Tests.Components.Config;

/// <summary>The hub edges page: the allow list is edited as lines, its errors shown under it by line, and live sessions and refusals per edge.</summary>
public sealed class HubEdgesPageTests : ConfigComponentTest
{
    private readonly FixedStatus _status = new();

    public HubEdgesPageTests() => Services.AddSingleton<IEngineStatusSource>(_status);

    [Fact]
    public async Task A_bad_allow_list_line_is_named_under_the_field_and_nothing_is_stored()
    {
        var cut = Render<HubEdges>();
        cut.Find("[data-testid='edge-add']").Click();
        cut.Find("input[data-testid='edge-id']").Change("branch-7");
        cut.Find("textarea[data-testid='edge-allowed']").Change("10.20.0.0/16\n\n10.30.0.1/16\n127.0.0.0/8");

        cut.Find("[data-testid='edge-save']").Click();

        cut.WaitForAssertion(() =>
        {
            var field = FieldText(cut, "edge-allowed");
            // Numbered as the admin sees the text, blank line included.
            Assert.Contains("line 3: must be a network such as", field, StringComparison.Ordinal);
            Assert.Contains("line 4: is loopback", field, StringComparison.Ordinal);
        });
        Assert.Empty(await Edges.ListAsync(Ct));
        // The form keeps what was typed, so it can be corrected.
        Assert.Contains("10.30.0.1/16", cut.Find("textarea[data-testid='edge-allowed']").GetAttribute("value"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_allow_list_is_stored_canonical_shown_in_the_list_and_editable()
    {
        var cut = Render<HubEdges>();
        cut.Find("[data-testid='edge-add']").Click();
        cut.Find("input[data-testid='edge-id']").Change("branch-7");
        cut.Find("textarea[data-testid='edge-allowed']").Change("10.20.0.0/16\n203.0.113.20");

        cut.Find("[data-testid='edge-save']").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid='edge-form']")));
        Assert.Equal(["10.20.0.0/16", "203.0.113.20/32"], (await Edges.GetAsync("branch-7", Ct)).AllowedDestinations);
        Assert.Equal("10.20.0.0/16, 203.0.113.20/32", cut.Find("[data-testid='edge-allowed-branch-7']").TextContent);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", cut.Find("[data-testid='edge-key']").TextContent);

        cut.Find("[data-testid='edge-edit-branch-7']").Click();
        cut.Find("textarea[data-testid='edge-allowed']").Change("");
        cut.Find("[data-testid='edge-save']").Click();

        cut.WaitForAssertion(() => Assert.Equal("public only", cut.Find("[data-testid='edge-allowed-branch-7']").TextContent));
        Assert.Empty((await Edges.GetAsync("branch-7", Ct)).AllowedDestinations);
    }

    [Fact]
    public async Task Each_edge_shows_its_live_sessions_and_refused_destinations()
    {
        await Edges.CreateAsync(new NewHubEdge("branch-7"), Tester, Ct);
        await Edges.CreateAsync(new NewHubEdge("branch-8"), Tester, Ct);
        _status.Current = EngineStatus.NotRunning("hub") with
        {
            Bonding = new BondingStatus("hub", "listening", "0.0.0.0:7443", 12, 40, 0, 0, 0, null, [], [new HubEdgeStatus("branch-7", 12) { Refused = 3 }]),
        };

        var cut = Render<HubEdges>();

        Assert.Equal(("12", "3"), (cut.Find("[data-testid='edge-sessions-branch-7']").TextContent, cut.Find("[data-testid='edge-refused-branch-7']").TextContent));
        Assert.Equal(("0", "0"), (cut.Find("[data-testid='edge-sessions-branch-8']").TextContent, cut.Find("[data-testid='edge-refused-branch-8']").TextContent));
    }

    private sealed class FixedStatus : IEngineStatusSource
    {
        public EngineStatus Current { get; set; } = EngineStatus.NotRunning("not running");
    }
}
