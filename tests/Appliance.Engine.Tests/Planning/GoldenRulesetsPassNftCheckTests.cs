using Appliance.Engine.Kernel;
using Appliance.Engine.Planning;

namespace Appliance.Engine.Tests.Planning;

/// <summary>The rendered rulesets are real nftables: the kernel's own parser accepts every golden case.</summary>
public class GoldenRulesetsPassNftCheckTests
{
    [Fact]
    public async Task Every_planned_ruleset_passes_nft_check_in_a_scratch_namespace()
    {
        Assert.True(Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root",
            "this test needs root to create a network namespace (run the test command as root)");
        var ns = $"nftchk{Environment.ProcessId}";
        var host = new ProcessCommandRunner();
        await host.RunCheckedAsync("ip", ["netns", "add", ns], ct: TestContext.Current.CancellationToken);
        try
        {
            var inside = new ProcessCommandRunner(ns);
            foreach (var (name, snapshot, health) in PlanCases.All())
            {
                var result = await inside.RunAsync("nft", ["-c", "-f", "-"], Planner.Plan(snapshot, health).Ruleset, TestContext.Current.CancellationToken);
                Assert.True(result.Succeeded, $"{name}: {result.Stderr}");
            }
        }
        finally
        {
            await host.RunAsync("ip", ["netns", "del", ns], ct: CancellationToken.None);
        }
    }
}
