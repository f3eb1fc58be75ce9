using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;

namespace Appliance.Data.Tests;

/// <summary>Caps on how much one configuration may ask of the box: WANs, rules, probe targets and probe timing.</summary>
public sealed class ConfigLimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IReadOnlyCollection<string> Keys(ValidationErrors errors) => errors.ToDictionary().Keys.ToList();

    private static List<WanLink> Wans(int count) =>
        Enumerable.Range(0, count).Select(i => Samples.Wan($"wan{i}", $"eth{i}")).ToList();

    private static List<Rule> Rules(int count) =>
        Enumerable.Range(1, count).Select(i => new Rule { Id = i, Destination = $"198.18.{i / 256}.{i % 256}" }).ToList();

    [Fact]
    public void Sixty_four_wans_are_accepted_and_the_sixty_fifth_is_refused_naming_the_cap()
    {
        Assert.True(ConfigValidator.Default.Validate(new ApplianceConfig { Wans = Wans(64) }, ValidationPurpose.Edit).IsEmpty);

        var errors = ConfigValidator.Default.Validate(new ApplianceConfig { Wans = Wans(65) }, ValidationPurpose.Edit);

        Assert.Equal(["wans"], Keys(errors));
        Assert.Contains("at most 64", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_thousand_rules_are_accepted_and_the_one_thousand_and_first_is_refused()
    {
        Assert.True(ConfigValidator.Default.Validate(new ApplianceConfig { Rules = Rules(1000) }, ValidationPurpose.Edit).IsEmpty);

        var errors = ConfigValidator.Default.Validate(new ApplianceConfig { Rules = Rules(1001) }, ValidationPurpose.Edit);

        Assert.Equal(["rules"], Keys(errors));
        Assert.Contains("at most 1000", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Eight_probe_targets_are_accepted_and_a_ninth_is_refused()
    {
        WanLink WithTargets(int n) => Samples.Wan("dsl", "eth1") with
        {
            Probes = new ProbeSettings { Targets = Enumerable.Range(1, n).Select(i => $"198.51.100.{i}").ToList() },
        };

        Assert.True(ConfigValidator.Default.Validate(new ApplianceConfig { Wans = [WithTargets(8)] }, ValidationPurpose.Edit).IsEmpty);
        Assert.Equal(["wans[0].probes.targets"], Keys(ConfigValidator.Default.Validate(new ApplianceConfig { Wans = [WithTargets(9)] }, ValidationPurpose.Edit)));
    }

    [Theory]
    [InlineData(250, 500, 3, true)] // the defaults
    [InlineData(250, 750, 3, true)] // exactly interval × downCount
    [InlineData(250, 751, 3, false)]
    [InlineData(50, 60_000, 3, false)] // the case: 1,200 rounds waiting at once
    [InlineData(1000, 5000, 5, true)]
    public void The_probe_timeout_may_not_exceed_interval_times_down_count(int intervalMs, int timeoutMs, int downCount, bool valid)
    {
        var wan = Samples.Wan("dsl", "eth1") with
        {
            Probes = new ProbeSettings { Targets = ["198.51.100.1"], IntervalMs = intervalMs, TimeoutMs = timeoutMs, DownCount = downCount },
        };

        var errors = ConfigValidator.Default.Validate(new ApplianceConfig { Wans = [wan] }, ValidationPurpose.Edit);

        if (valid)
        {
            Assert.True(errors.IsEmpty, errors.ToString());
            return;
        }
        Assert.Equal(["wans[0].probes.timeoutMs"], Keys(errors));
        var message = Assert.Single(errors.Entries).Message;
        Assert.Contains("intervalMs", message, StringComparison.Ordinal);
        Assert.Contains("downCount", message, StringComparison.Ordinal);
        Assert.Contains($"{intervalMs * downCount} ms", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_store_refuses_a_rule_past_the_cap_and_keeps_the_thousand()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Store.ImportAsync(new ApplianceConfig { Rules = Rules(1000) }, Samples.Admin, Ct);

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() =>
            fixture.Rules.CreateAsync(new Rule { Destination = "203.0.113.0/24" }, null, Samples.Admin, Ct));

        Assert.Equal(["rules"], error.Errors.ToDictionary().Keys);
        Assert.Equal(1000, (await fixture.Rules.ListAsync(Ct)).Count);
    }

    [Fact]
    public async Task Importing_more_wans_than_the_cap_changes_nothing()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        await fixture.Store.ImportAsync(new ApplianceConfig { Wans = Wans(2) }, Samples.Admin, Ct);

        var error = await Assert.ThrowsAsync<ConfigValidationException>(() =>
            fixture.Store.ImportAsync(new ApplianceConfig { Wans = Wans(65) }, Samples.Admin, Ct));

        Assert.Equal(["wans"], error.Errors.ToDictionary().Keys);
        Assert.Equal(["wan0", "wan1"], (await fixture.Wans.ListAsync(Ct)).Select(w => w.Value.Name));
    }
}
