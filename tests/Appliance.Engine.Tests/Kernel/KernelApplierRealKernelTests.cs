using Appliance.Engine.Kernel;
using Appliance.Engine.Planning;
using Appliance.Engine.Tests.Planning;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Engine.Tests.Kernel;

/// <summary>The applier against the real kernel's rule and route listings, in a scratch namespace with veth links.</summary>
public class KernelApplierRealKernelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Foreign_rules_in_the_range_never_stop_an_apply_and_a_second_apply_changes_nothing()
    {
        Assert.True(Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root",
            "this test needs root to create a network namespace (run the test command as root)");
        var ns = $"kapply{Environment.ProcessId}";
        var host = new ProcessCommandRunner();
        await host.RunCheckedAsync("ip", ["netns", "add", ns], ct: Ct);
        try
        {
            var inside = new ProcessCommandRunner(ns);
            await inside.RunCheckedAsync("ip", ["-batch", "-"],
                "link set lo up\n" +
                "link add lan0 type veth peer name lan0p\nlink add wan1 type veth peer name wan1p\nlink add wan2 type veth peer name wan2p\n" +
                "addr add 198.18.0.1/24 dev lan0\naddr add 198.18.11.2/24 dev wan1\naddr add 198.18.12.2/24 dev wan2\n" +
                "link set lan0 up\nlink set lan0p up\nlink set wan1 up\nlink set wan1p up\nlink set wan2 up\nlink set wan2p up\n" +
                // Somebody else's rules in the appliance's range: a plain "lookup main" (which used to stop the rule
                // reading) and a form the appliance never writes.
                "rule add priority 10500 lookup main\nrule add priority 10600 iif wan1 lookup main\n", Ct);
            var recording = new RecordingRunner(inside);
            var applier = new KernelApplier(recording, NullLogger<KernelApplier>.Instance);
            var (_, snapshot, health) = PlanCases.All().Single(c => c.Name == "weights_3_1");
            var state = Planner.Plan(snapshot, health);

            await applier.ApplyAsync(state, Ct);

            var rules = await inside.RunCheckedAsync("ip", ["-4", "rule", "show"], ct: Ct);
            Assert.DoesNotContain("10500:", rules, StringComparison.Ordinal);
            Assert.Contains("10600:\tfrom all iif wan1 lookup main", rules, StringComparison.Ordinal);
            Assert.Contains("10020:\tfrom all lookup main suppress_prefixlength 0", rules, StringComparison.Ordinal);
            Assert.Contains("10900:\tfrom all lookup 1000", rules, StringComparison.Ordinal);
            Assert.Equal(state.IpRules.ToHashSet(), (await applier.ReadRulesAsync(Ct)).Where(r => r.Unmanaged is null).ToHashSet());
            Assert.Equal(state.Routes.ToHashSet(), (await applier.ReadRoutesAsync(Ct)).ToHashSet());
            Assert.Contains("default via 198.18.11.1 dev wan1 onlink", await inside.RunCheckedAsync("ip", ["-4", "route", "show", "table", "1000"], ct: Ct), StringComparison.Ordinal);
            Assert.Equal("", (await inside.RunCheckedAsync("ip", ["-4", "route", "show", "default"], ct: Ct)).Trim());
            Assert.Equal("1", (await inside.RunCheckedAsync("sysctl", ["-n", "net.ipv4.conf.wan1.rp_filter"], ct: Ct)).Trim());
            Assert.Equal("1", (await inside.RunCheckedAsync("sysctl", ["-n", "net.ipv4.conf.wan2.src_valid_mark"], ct: Ct)).Trim());
            recording.Commands.Clear();

            await applier.ApplyAsync(state, Ct);

            var changing = recording.Commands.Where(c => !IsReadOnly(c)).ToList();
            Assert.True(changing.Count == 0, string.Join("; ", changing));
        }
        finally
        {
            await host.RunAsync("ip", ["netns", "del", ns], ct: CancellationToken.None);
        }
    }

    private static bool IsReadOnly(string command) =>
        command.StartsWith("nft -c ", StringComparison.Ordinal) || command.StartsWith("nft list ", StringComparison.Ordinal) ||
        command.StartsWith("sysctl -n ", StringComparison.Ordinal) || command.Contains(" show", StringComparison.Ordinal);

    private sealed class RecordingRunner(ICommandRunner inner) : ICommandRunner
    {
        public List<string> Commands { get; } = [];

        public Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, string? stdin = null, CancellationToken ct = default)
        {
            lock (Commands)
            {
                Commands.Add($"{program} {string.Join(' ', arguments)}");
            }
            return inner.RunAsync(program, arguments, stdin, ct);
        }
    }
}
