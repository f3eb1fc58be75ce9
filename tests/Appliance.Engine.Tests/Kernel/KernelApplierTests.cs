using Appliance.Engine.Kernel;
using Appliance.Engine.Planning;
using Appliance.Engine.Tests.Planning;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Engine.Tests.Kernel;

public class KernelApplierTests
{
    private static readonly List<DesiredState> States = PlanCases.All().Select(c => Planner.Plan(c.Snapshot, c.Health)).ToList();

    [Fact]
    public async Task Applying_the_same_state_twice_changes_nothing()
    {
        var kernel = new FakeKernel();
        var applier = new KernelApplier(kernel, NullLogger<KernelApplier>.Instance);
        var state = States[2];
        await applier.ApplyAsync(state, TestContext.Current.CancellationToken);
        Assert.NotEmpty(kernel.Mutations);
        var dump = kernel.Dump();
        kernel.Mutations.Clear();

        await applier.ApplyAsync(state, TestContext.Current.CancellationToken);

        Assert.Empty(kernel.Mutations);
        Assert.Equal(dump, kernel.Dump());
    }

    [Fact]
    public async Task Every_planned_state_applied_twice_changes_nothing_the_second_time()
    {
        foreach (var (name, state) in PlanCases.All().Select(c => (c.Name, Planner.Plan(c.Snapshot, c.Health))))
        {
            var kernel = new FakeKernel();
            var applier = new KernelApplier(kernel, NullLogger<KernelApplier>.Instance);
            await applier.ApplyAsync(state, TestContext.Current.CancellationToken);
            kernel.Mutations.Clear();

            await applier.ApplyAsync(state, TestContext.Current.CancellationToken);

            Assert.True(kernel.Mutations.Count == 0, $"{name}: {string.Join("; ", kernel.Mutations)}");
        }
    }

    [Fact]
    public async Task A_foreign_lookup_main_rule_in_the_range_is_read_and_removed_and_an_unmanaged_form_is_left_alone()
    {
        var kernel = new FakeKernel();
        // What "ip rule add priority 10500 lookup main" and "ip rule add priority 10600 iif wan9 lookup main" leave.
        kernel.AddRule(new() { ["priority"] = 10500, ["src"] = "all", ["table"] = "254" });
        kernel.AddRule(new() { ["priority"] = 10600, ["src"] = "all", ["iif"] = "wan9", ["table"] = "254" });
        var applier = new KernelApplier(kernel, NullLogger<KernelApplier>.Instance);
        var state = Planner.Plan(PlanCases.All().Single(c => c.Name == "weights_3_1").Snapshot, PlanCases.All().Single(c => c.Name == "weights_3_1").Health);

        await applier.ApplyAsync(state, TestContext.Current.CancellationToken);

        var dump = kernel.Dump();
        Assert.DoesNotContain("priority 10500", dump, StringComparison.Ordinal);
        Assert.Contains("priority 10600 src all iif wan9 table 254", dump, StringComparison.Ordinal);
        Assert.Contains("priority 10020 src all table 254 suppress_prefixlen 0", dump, StringComparison.Ordinal);
        Assert.Contains("priority 10900 src all table 1000", dump, StringComparison.Ordinal);
        var read = await applier.ReadRulesAsync(TestContext.Current.CancellationToken);
        Assert.Equal(state.IpRules.ToHashSet(), read.Where(r => r.Unmanaged is null).ToHashSet());
        kernel.Mutations.Clear();

        await applier.ApplyAsync(state, TestContext.Current.CancellationToken);

        Assert.Empty(kernel.Mutations);
    }

    [Fact]
    public async Task The_own_default_route_moves_to_another_wan_with_one_replace()
    {
        var cases = PlanCases.All().ToDictionary(c => c.Name, c => Planner.Plan(c.Snapshot, c.Health));
        var kernel = new FakeKernel();
        var applier = new KernelApplier(kernel, NullLogger<KernelApplier>.Instance);
        await applier.ApplyAsync(cases["own_route_heaviest_then_by_name"], TestContext.Current.CancellationToken);
        Assert.Contains("1000 default 198.18.12.1 wan2", kernel.Dump(), StringComparison.Ordinal);
        kernel.Mutations.Clear();

        await applier.ApplyAsync(cases["own_route_moves_when_its_wan_goes_down"], TestContext.Current.CancellationToken);

        Assert.Equal(["ip route replace default via 198.18.11.1 dev wan1 table 1000 onlink"], kernel.Mutations.Where(m => m.Contains("table 1000", StringComparison.Ordinal)));
        Assert.Contains("1000 default 198.18.11.1 wan1", kernel.Dump(), StringComparison.Ordinal);

        // No usable WAN: the table is empty and the appliance's own traffic falls through to main.
        await applier.ApplyAsync(cases["all_wans_down"], TestContext.Current.CancellationToken);
        Assert.DoesNotContain("1000 default", kernel.Dump(), StringComparison.Ordinal);
        Assert.Contains("254 default 198.51.100.254 eth0", kernel.Dump(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wan_can_be_probed_once_its_table_and_its_address_rule_are_in_the_kernel()
    {
        var cases = PlanCases.All().ToDictionary(c => c.Name, c => Planner.Plan(c.Snapshot, c.Health));
        var applier = new KernelApplier(new FakeKernel(), NullLogger<KernelApplier>.Instance);
        Assert.False(applier.CanProbe("wan1"));

        // Carrier and gateway but no address known yet: the way out exists, the way back past strict filtering does not.
        await applier.ApplyAsync(cases["weights_3_1"], TestContext.Current.CancellationToken);
        Assert.False(applier.CanProbe("wan1"));

        await applier.ApplyAsync(cases["own_route_heaviest_then_by_name"], TestContext.Current.CancellationToken);
        Assert.True(applier.CanProbe("wan1"));
        Assert.True(applier.CanProbe("wwan0"));
        Assert.False(applier.CanProbe("wan4"));

        await applier.ApplyAsync(cases["all_wans_down"], TestContext.Current.CancellationToken);
        Assert.False(applier.CanProbe("wan1"));
    }

    [Fact]
    public async Task States_replayed_in_random_order_always_leave_exactly_that_state()
    {
        var expected = new Dictionary<int, string>();
        for (var i = 0; i < States.Count; i++)
        {
            var fresh = new FakeKernel();
            await new KernelApplier(fresh, NullLogger<KernelApplier>.Instance).ApplyAsync(States[i], TestContext.Current.CancellationToken);
            expected[i] = fresh.Dump(withSysctls: false);
        }
        var kernel = new FakeKernel();
        var applier = new KernelApplier(kernel, NullLogger<KernelApplier>.Instance);
        var random = new Random(1234);
        for (var step = 0; step < 60; step++)
        {
            var i = random.Next(States.Count);
            await applier.ApplyAsync(States[i], TestContext.Current.CancellationToken);
            Assert.Equal(expected[i], kernel.Dump(withSysctls: false));
            Assert.All(States[i].Sysctls, s => Assert.Equal(s.Value, kernel.Sysctl(s.Key)));
        }
    }

    [Fact]
    public async Task Routes_and_rules_of_others_are_never_touched()
    {
        var kernel = new FakeKernel();
        var applier = new KernelApplier(kernel, NullLogger<KernelApplier>.Instance);
        await applier.ApplyAsync(States[1], TestContext.Current.CancellationToken);
        await applier.ApplyAsync(States.Last(), TestContext.Current.CancellationToken);
        var dump = kernel.Dump();
        Assert.Contains("254 default 198.51.100.254 eth0", dump, StringComparison.Ordinal);
        Assert.Contains("priority 32766 src all table 254", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("10100", dump, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ruleset_nft_rejects_changes_nothing_and_reports_why()
    {
        var kernel = new FakeKernel();
        var applier = new KernelApplier(kernel, NullLogger<KernelApplier>.Instance);
        await applier.ApplyAsync(States[0], TestContext.Current.CancellationToken);
        var before = kernel.Dump();
        kernel.Mutations.Clear();
        kernel.FailWhen = (program, args, _) => program == "nft" && args[0] == "-c";

        var error = await Assert.ThrowsAsync<KernelApplyException>(() => applier.ApplyAsync(States[1], TestContext.Current.CancellationToken));

        Assert.Contains("nothing was changed", error.Message, StringComparison.Ordinal);
        Assert.Empty(kernel.Mutations);
        Assert.Equal(before, kernel.Dump());
        Assert.Same(States[0], applier.LastGood);
    }

    [Fact]
    public async Task A_failure_after_the_ruleset_loaded_restores_the_last_good_state()
    {
        var kernel = new FakeKernel();
        var applier = new KernelApplier(kernel, NullLogger<KernelApplier>.Instance);
        await applier.ApplyAsync(States[0], TestContext.Current.CancellationToken);
        var good = kernel.Dump(withSysctls: false);
        var failOnce = true;
        kernel.FailWhen = (program, args, _) =>
        {
            if (program == "ip" && args is ["rule", "add", ..] && failOnce)
            {
                failOnce = false;
                return true;
            }
            return false;
        };

        await Assert.ThrowsAsync<KernelApplyException>(() => applier.ApplyAsync(States[1], TestContext.Current.CancellationToken));

        Assert.Equal(good, kernel.Dump(withSysctls: false));
        Assert.Same(States[0], applier.LastGood);
    }

    [Fact]
    public async Task A_bonded_wan_going_down_loses_its_endpoint_and_gets_it_back_on_recovery()
    {
        var kernel = new FakeKernel();
        var applier = new KernelApplier(kernel, NullLogger<KernelApplier>.Instance);
        var cases = PlanCases.All().ToDictionary(c => c.Name, c => Planner.Plan(c.Snapshot, c.Health));
        await applier.ApplyAsync(cases["bonding_all_up"], TestContext.Current.CancellationToken);
        Assert.Contains("101 198.18.11.2 wan1 subflow", kernel.Dump(), StringComparison.Ordinal);
        Assert.Contains("102 198.18.13.2 wwan0 subflow backup", kernel.Dump(), StringComparison.Ordinal);
        Assert.Contains("subflows 3", kernel.Dump(), StringComparison.Ordinal);
        kernel.Mutations.Clear();

        await applier.ApplyAsync(cases["bonding_member_down_loses_its_endpoint"], TestContext.Current.CancellationToken);
        Assert.Equal(["ip mptcp endpoint delete id 101"], kernel.Mutations.Where(m => m.Contains("mptcp", StringComparison.Ordinal)));
        kernel.Mutations.Clear();

        await applier.ApplyAsync(cases["bonding_all_up"], TestContext.Current.CancellationToken);
        Assert.Equal(["ip mptcp endpoint add 198.18.11.2 dev wan1 id 101 subflow"], kernel.Mutations.Where(m => m.Contains("mptcp", StringComparison.Ordinal)));

        // Leaving bonding removes the appliance's endpoints, never another program's (id 1).
        await applier.ApplyAsync(States[0], TestContext.Current.CancellationToken);
        var dump = kernel.Dump();
        Assert.Contains("1 198.51.100.7 eth0 signal", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("198.18.1", dump.Split("mptcp endpoints:")[1], StringComparison.Ordinal);
        Assert.DoesNotContain("src 198.", dump, StringComparison.Ordinal);
    }
}
