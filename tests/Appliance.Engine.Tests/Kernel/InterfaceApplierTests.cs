using System.Text.Json;
using Appliance.Engine.Kernel;
using Appliance.Engine.Planning;

namespace Appliance.Engine.Tests.Kernel;

public sealed class InterfaceApplierTests
{
    /// <summary>Links and addresses as <c>ip -j</c> shows them; changing commands change them and are recorded.</summary>
    private sealed class FakeIp : ICommandRunner
    {
        public Dictionary<string, (bool Up, string? Master, List<string> Addresses)> Links { get; } = new(StringComparer.Ordinal);
        public List<string> Changes { get; } = [];

        /// <summary>The bridge-netfilter sysctls, as br_netfilter would show them; null: the module is not loaded.</summary>
        public string? BridgeNetfilter { get; set; }

        public Task<CommandResult> RunAsync(string program, IReadOnlyList<string> a, string? stdin = null, CancellationToken ct = default)
        {
            switch (a)
            {
                case ["-n", ..]:
                    return Task.FromResult(BridgeNetfilter is null ? new CommandResult(255, "", "sysctl: cannot stat /proc/sys/net/bridge") : new CommandResult(0, BridgeNetfilter, ""));
                case ["-j", "link", "show"]:
                    return Ok(JsonSerializer.Serialize(Links.Select(l => new Dictionary<string, object?>
                    {
                        ["ifname"] = l.Key,
                        ["flags"] = l.Value.Up ? new[] { "UP", "LOWER_UP" } : new[] { "BROADCAST" },
                        ["master"] = l.Value.Master,
                    })));
                case ["-j", "addr", "show"]:
                    return Ok(JsonSerializer.Serialize(Links.Select(l => new
                    {
                        ifname = l.Key,
                        addr_info = l.Value.Addresses.Select(x => new { family = x.Contains(':', StringComparison.Ordinal) ? "inet6" : "inet", local = x.Split('/')[0], prefixlen = int.Parse(x.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture), scope = "global" }),
                    })));
            }
            Changes.Add(string.Join(' ', a));
            switch (a)
            {
                case ["-q", "-w", ..]:
                    BridgeNetfilter = "0\n0\n0\n";
                    break;
                case ["link", "add", var name, "type", "bridge"]:
                    Links[name] = (false, null, []);
                    break;
                case ["link", "set", "dev", var name, "master", var master]:
                    Links[name] = Links[name] with { Master = master };
                    break;
                case ["link", "set", "dev", var name, "nomaster"]:
                    Links[name] = Links[name] with { Master = null };
                    break;
                case ["link", "set", "dev", var name, var state]:
                    Links[name] = Links[name] with { Up = state == "up" };
                    break;
                case ["addr", "add", var address, "dev", var name]:
                    Links[name].Addresses.Add(address);
                    break;
                case ["addr", "del", var address, "dev", var name]:
                    Links[name].Addresses.Remove(address);
                    break;
            }
            return Ok("");
        }

        private static Task<CommandResult> Ok(string stdout) => Task.FromResult(new CommandResult(0, stdout, ""));
    }

    private static readonly InterfacePlan Plan = new(
        [new LinkSpec("br-lan", true, Bridge: true), new LinkSpec("eth0", true, "br-lan"), new LinkSpec("eth2", true), new LinkSpec("eth5", false), new LinkSpec("gone0", true)],
        [new AddressSpec("br-lan", "198.18.0.1/24"), new AddressSpec("eth2", "198.51.100.20/24")],
        ["br-lan", "eth2"]);

    [Fact]
    public async Task It_creates_the_bridge_moves_ports_and_sets_addresses_and_a_second_apply_changes_nothing()
    {
        var ip = new FakeIp();
        ip.Links["eth0"] = (false, null, []);
        ip.Links["eth2"] = (true, null, ["198.51.100.10/24", "2001:db8::1/64"]);
        ip.Links["eth5"] = (true, "br-lan", []);
        ip.Links["eth9"] = (true, null, ["192.0.2.9/24"]);
        var applier = new InterfaceApplier(ip);

        await applier.ReconcileAsync(Plan, TestContext.Current.CancellationToken);

        Assert.Equal(
        [
            "link add br-lan type bridge",
            "link set dev br-lan up",
            "link set dev eth0 master br-lan",
            "link set dev eth0 up",
            "link set dev eth5 nomaster",
            "link set dev eth5 down",
            "addr del 198.51.100.10/24 dev eth2",
            "addr add 198.18.0.1/24 dev br-lan",
            "addr add 198.51.100.20/24 dev eth2",
        ], ip.Changes);
        // IPv6 and interfaces the plan does not name are left alone.
        Assert.Contains("2001:db8::1/64", ip.Links["eth2"].Addresses);
        Assert.Equal(["192.0.2.9/24"], ip.Links["eth9"].Addresses);

        ip.Changes.Clear();
        await applier.ReconcileAsync(Plan, TestContext.Current.CancellationToken);
        Assert.Empty(ip.Changes);
    }

    [Fact]
    public async Task An_empty_plan_reads_nothing()
    {
        var ip = new FakeIp();
        await new InterfaceApplier(ip).ReconcileAsync(InterfacePlan.Empty, TestContext.Current.CancellationToken);
        Assert.Empty(ip.Changes);
    }

    [Fact]
    public async Task Where_br_netfilter_is_loaded_the_bridge_is_kept_out_of_the_ip_hooks_once()
    {
        var ip = new FakeIp { BridgeNetfilter = "1\n1\n0\n" };
        ip.Links["eth0"] = (false, null, []);
        var applier = new InterfaceApplier(ip);

        await applier.ReconcileAsync(Plan, TestContext.Current.CancellationToken);
        var first = ip.Changes.Count;
        await applier.ReconcileAsync(Plan, TestContext.Current.CancellationToken);

        Assert.Contains("-q -w net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0", ip.Changes);
        Assert.Equal(first, ip.Changes.Count);
    }
}
