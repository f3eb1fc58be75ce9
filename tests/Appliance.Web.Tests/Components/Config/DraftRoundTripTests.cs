using Appliance.Engine.Configuration;
using Appliance.Web.Components.Pages;
using Bunit;

namespace Appliance.Web.Tests.Components.Config;

/// <summary>
/// What the WAN and rule forms save is the model the user edited, field by field (by reflection, so a field added to
/// the model is covered): nothing the form does not show is lost, nothing it shows is changed unasked.
/// </summary>
public sealed class DraftRoundTripTests : ConfigComponentTest
{
    /// <summary>Every field away from its default, and valid.</summary>
    private static readonly WanLink FullWan = new()
    {
        Name = "dsl", Interface = "eth1", Mode = WanMode.Backup, Weight = 7, Tier = 2, Gateway = "198.51.100.254", Enabled = false,
        Failback = FailbackPolicy.Move,
        Probes = new ProbeSettings
        {
            Method = ProbeMethod.Tcp,
            Targets = ["203.0.113.5", "tcp://198.51.100.9:8443"],
            IntervalMs = 300, TimeoutMs = 700, DownCount = 4, UpCount = 6, Quorum = 2,
            DegradedLossPercent = 12.5, DegradedLatencyMs = 400, DownLossPercent = 55, DownLatencyMs = 1500,
            RecoverLossPercent = 7.5, RecoverLatencyMs = 250,
        },
        Addressing = new WanAddressing { Mode = AddressingMode.Static, Address = "198.51.100.2/24", DnsServers = ["192.0.2.53", "198.51.100.53"] },
    };

    /// <summary>The PPPoE fields, which a static WAN does not have.</summary>
    private static readonly WanLink PppoeWan = new()
    {
        Name = "vdsl", Interface = "eth3", Probes = new ProbeSettings { Targets = ["198.51.100.1"] },
        Addressing = new WanAddressing
        {
            Mode = AddressingMode.Pppoe, DnsServers = ["192.0.2.53"],
            Pppoe = new PppoeSettings { Username = "customer@isp", Password = "pppoe-secret-1", ServiceName = "fiber", Mtu = 1480 },
        },
    };

    /// <summary>A pin and a sticky balance rule: between them every field is away from its default (a pin has no stickiness).</summary>
    private static readonly Rule PinRule = new()
    {
        Description = "voip pinned", Enabled = false, Protocol = RuleProtocol.Udp, Source = "198.18.4.0/24", Destination = "203.0.113.0/24",
        DestinationPorts = "5060,10000-20000", Action = RuleAction.Pin, Wan = "dsl", Strict = true,
    };

    private static readonly Rule StickyRule = new()
    {
        Description = "banking sticky", Protocol = RuleProtocol.Tcp, Source = "198.18.0.0/15", Destination = "198.51.100.0/24",
        DestinationPorts = "443", Action = RuleAction.Balance, Sticky = StickyMode.SourceDestination,
    };

    [Fact]
    public void The_samples_set_every_field_of_the_model()
    {
        ModelFields.EverySet(FullWan, PppoeWan);
        ModelFields.EverySet(PinRule with { Id = 1 }, StickyRule);
    }

    [Fact]
    public async Task A_wan_edited_in_the_form_is_saved_as_the_model_with_the_edits_and_nothing_else_changed()
    {
        await WanStore.CreateAsync(FullWan, Tester, Ct);
        var cut = Render<Wans>();

        cut.Find("[data-testid='wan-edit-dsl']").Click();
        cut.Find("input[data-testid='wan-weight']").Change("9");
        cut.Find("input[data-testid='wan-interval']").Change("350");
        cut.Find("textarea[data-testid='wan-targets']").Change("203.0.113.5\n tcp://198.51.100.9:8443 \n198.51.100.1");
        cut.Find("[data-testid='wan-save']").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid='wan-form']")));
        var expected = FullWan with
        {
            Weight = 9,
            Probes = FullWan.Probes with { IntervalMs = 350, Targets = ["203.0.113.5", "tcp://198.51.100.9:8443", "198.51.100.1"] },
        };
        ModelFields.Equal(expected, (await WanStore.GetAsync("dsl", Ct)).Value);
    }

    [Fact]
    public async Task A_pppoe_wan_edited_in_the_form_keeps_its_account_and_password()
    {
        await WanStore.CreateAsync(PppoeWan, Tester, Ct);
        var cut = Render<Wans>();

        cut.Find("[data-testid='wan-edit-vdsl']").Click();
        cut.Find("input[data-testid='wan-weight']").Change("3");
        cut.Find("[data-testid='wan-save']").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid='wan-form']")));
        ModelFields.Equal(PppoeWan with { Weight = 3 }, (await WanStore.GetAsync("vdsl", Ct)).Value);
    }

    [Fact]
    public async Task A_new_wan_from_the_form_has_the_models_defaults_where_the_user_typed_nothing()
    {
        var cut = Render<Wans>();

        cut.Find("[data-testid='wan-add']").Click();
        cut.Find("input[data-testid='wan-name']").Change(" lte ");
        cut.Find("input[data-testid='wan-interface']").Change("wwan0");
        cut.Find("input[data-testid='wan-gateway']").Change(" ");
        cut.Find("textarea[data-testid='wan-targets']").Change("198.51.100.1");
        cut.Find("[data-testid='wan-save']").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid='wan-form']")));
        var expected = new WanLink { Name = "lte", Interface = "wwan0", Probes = new ProbeSettings { Targets = ["198.51.100.1"] } };
        ModelFields.Equal(expected, (await WanStore.GetAsync("lte", Ct)).Value);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_rule_edited_in_the_form_is_saved_as_the_model_with_the_edits_and_nothing_else_changed(bool pinned)
    {
        await WanStore.CreateAsync(FullWan, Tester, Ct);
        var created = (await RuleStore.CreateAsync(pinned ? PinRule : StickyRule, null, Tester, Ct)).Value;
        var cut = Render<Rules>();

        cut.Find($"button[data-testid='rule-edit-{created.Id}']").Click();
        cut.Find("input[data-testid='rule-description']").Change("  edited  ");
        cut.Find("input[data-testid='rule-source']").Change("192.0.2.0/24");
        cut.Find("button[data-testid='rule-save']").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid='rule-form']")));
        ModelFields.Equal(created with { Description = "edited", Source = "192.0.2.0/24" }, (await RuleStore.GetAsync(created.Id, Ct)).Value);
    }

    [Fact]
    public async Task Emptied_match_fields_of_a_rule_are_saved_as_any()
    {
        await WanStore.CreateAsync(FullWan, Tester, Ct);
        var created = (await RuleStore.CreateAsync(StickyRule with { Protocol = RuleProtocol.Any, DestinationPorts = null }, null, Tester, Ct)).Value;
        var cut = Render<Rules>();

        cut.Find($"button[data-testid='rule-edit-{created.Id}']").Click();
        cut.Find("input[data-testid='rule-source']").Change("");
        cut.Find("input[data-testid='rule-destination']").Change("  ");
        cut.Find("button[data-testid='rule-save']").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid='rule-form']")));
        ModelFields.Equal(created with { Source = null, Destination = null }, (await RuleStore.GetAsync(created.Id, Ct)).Value);
    }
}
