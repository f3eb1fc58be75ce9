using Appliance.Engine.Configuration;
using Appliance.Engine.Planning;

namespace Appliance.Engine.Tests.Planning;

/// <summary>The ruleset's decisions are the planner's: each rule resolves to a verdict before anything is printed.</summary>
public class RulesetPlannerTests
{
    private static readonly WanPlan Dsl = new("dsl", "wan1", 1, KernelIds.MarkOf(1), KernelIds.TableOf(1), true, true, FailbackPolicy.Keep, "up");
    private static readonly WanPlan Cable = new("cable", "wan2", 2, KernelIds.MarkOf(2), KernelIds.TableOf(2), false, false, FailbackPolicy.Keep, "down");
    private static readonly BondingLayout NoBonding = new(null, null, "no enabled WAN is in bond mode", [], [], [], []);

    private static RulesetPlan Plan(IReadOnlyList<Rule> rules, params (WanPlan Wan, int Weight)[] active) =>
        RulesetPlanner.Plan(new ApplianceConfig { Wans = [], Rules = rules.ToList(), Settings = PlanCases.Lan }, [Cable, Dsl], active, NoBonding);

    [Fact]
    public void A_strict_pin_to_a_down_wan_is_refused_with_a_warning()
    {
        var plan = Plan([new Rule { Id = 1, Action = RuleAction.Pin, Wan = "cable", Strict = true }], (Dsl, 1));

        var rule = plan.Steering!.Choose[0];
        Assert.Equal(new Refused(RefusalReason.AdminProhibited), rule.Verdict);
        Assert.Equal("rule 1: pinned to WAN cable, which is not usable: refused (strict)", rule.Why);
        Assert.Equal("rule 1 pins to WAN 'cable', which is not usable: its sessions are refused (strict)", Assert.Single(plan.Warnings));
    }

    [Fact]
    public void A_lenient_pin_to_a_down_wan_is_balanced_with_a_warning()
    {
        var plan = Plan([new Rule { Id = 2, Action = RuleAction.Pin, Wan = "cable" }], (Dsl, 1));

        Assert.Equal(new ToBalancer(StickyMode.None), plan.Steering!.Choose[0].Verdict);
        Assert.Contains("balanced until it returns", Assert.Single(plan.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void A_pin_to_a_usable_wan_takes_its_mark()
    {
        var plan = Plan([new Rule { Id = 3, Action = RuleAction.Pin, Wan = "dsl" }], (Dsl, 1));

        Assert.Equal(new ToWan("dsl", Dsl.Mark), plan.Steering!.Choose[0].Verdict);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void A_bond_rule_without_bonding_is_balanced_with_a_warning()
    {
        var plan = Plan([new Rule { Id = 4, Action = RuleAction.Bond }], (Dsl, 1));

        Assert.Equal(new ToBalancer(StickyMode.None), plan.Steering!.Choose[0].Verdict);
        Assert.Contains("bonding is unavailable (no enabled WAN is in bond mode)", Assert.Single(plan.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void With_no_active_wan_every_balancer_refuses()
    {
        var plan = Plan([new Rule { Id = 5, Sticky = StickyMode.Source }]);

        Assert.Equal([StickyMode.None, StickyMode.Source], plan.Steering!.Balancers.Select(b => b.Sticky));
        Assert.All(plan.Steering.Balancers, b => Assert.Equal(new Refused(RefusalReason.HostUnreachable), Assert.Single(b.Rules).Verdict));
    }

    [Fact]
    public void Weights_become_consecutive_shares_of_one_modulus()
    {
        var third = Dsl with { Name = "lte", Mark = KernelIds.MarkOf(3) };

        var plan = Plan([], (Dsl, 3), (third, 1));

        var spread = Assert.IsType<SpreadByWeight>(Assert.Single(plan.Steering!.Balancers).Rules[0].Verdict);
        Assert.Equal(4, spread.Modulus);
        Assert.Equal([new WanShare(0, 2, Dsl.Mark), new WanShare(3, 3, third.Mark)], spread.Shares);
    }

    [Fact]
    public void Without_wans_the_table_steers_nothing()
    {
        var plan = RulesetPlanner.Plan(new ApplianceConfig { Rules = [new Rule { Id = 1, Action = RuleAction.Pin, Wan = "dsl", Strict = true }] }, [], [], NoBonding);

        Assert.Null(plan.Steering);
        Assert.Empty(plan.Warnings);
    }
}
