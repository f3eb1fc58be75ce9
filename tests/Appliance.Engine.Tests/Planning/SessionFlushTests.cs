using Appliance.Engine.Configuration;
using Appliance.Engine.Health;
using Appliance.Engine.Planning;

namespace Appliance.Engine.Tests.Planning;

public class SessionFlushTests
{
    private static DesiredState Plan(ApplianceConfig config, Dictionary<string, LinkHealth> health) =>
        Planner.Plan(new ConfigSnapshot(1, config, DateTimeOffset.UnixEpoch), health);

    private static ApplianceConfig TwoTiers(FailbackPolicy lteFailback) => new()
    {
        Wans = [PlanCases.Wan("dsl", "wan1", "198.18.11.1", tier: 1), PlanCases.Wan("lte", "wwan0", "198.18.13.1", tier: 2) with { Failback = lteFailback }],
        Settings = PlanCases.Lan,
    };

    [Fact]
    public void Sessions_of_a_wan_that_went_down_are_flushed()
    {
        var config = TwoTiers(FailbackPolicy.Keep);
        var before = Plan(config, new() { ["dsl"] = PlanCases.Up, ["lte"] = PlanCases.Up });
        var after = Plan(config, new() { ["dsl"] = PlanCases.ProbeDown, ["lte"] = PlanCases.Up });

        var flush = SessionFlush.Between(before, after);

        Assert.Equal("dsl", Assert.Single(flush).Wan.Name);
    }

    [Fact]
    public void Failback_move_flushes_the_backup_link_when_the_better_tier_returns()
    {
        var config = TwoTiers(FailbackPolicy.Move);
        var failedOver = Plan(config, new() { ["dsl"] = PlanCases.ProbeDown, ["lte"] = PlanCases.Up });
        var recovered = Plan(config, new() { ["dsl"] = PlanCases.Up, ["lte"] = PlanCases.Up });

        var flush = SessionFlush.Between(failedOver, recovered);

        var (wan, why) = Assert.Single(flush);
        Assert.Equal("lte", wan.Name);
        Assert.Contains("failback move", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Failback_keep_leaves_sessions_on_the_backup_link()
    {
        var config = TwoTiers(FailbackPolicy.Keep);
        var failedOver = Plan(config, new() { ["dsl"] = PlanCases.ProbeDown, ["lte"] = PlanCases.Up });
        var recovered = Plan(config, new() { ["dsl"] = PlanCases.Up, ["lte"] = PlanCases.Up });

        Assert.Empty(SessionFlush.Between(failedOver, recovered));
        Assert.Empty(SessionFlush.Between(null, recovered));
    }
}
