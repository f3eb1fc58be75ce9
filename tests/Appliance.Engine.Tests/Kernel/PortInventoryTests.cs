using Appliance.Engine.Kernel;

namespace Appliance.Engine.Tests.Kernel;

public sealed class PortInventoryTests
{
    private sealed class Canned : ICommandRunner
    {
        public Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, string? stdin = null, CancellationToken ct = default) =>
            Task.FromResult((program, arguments) switch
            {
                ("ip", _) => new CommandResult(0, """
                    [{"ifname":"lo","link_type":"loopback","flags":["LOOPBACK","UP","LOWER_UP"],"address":"00:00:00:00:00:00"},
                     {"ifname":"eth0","link_type":"ether","flags":["BROADCAST","UP","LOWER_UP"],"address":"52:54:00:12:34:56"},
                     {"ifname":"eth1","link_type":"ether","flags":["BROADCAST","NO-CARRIER","UP"],"address":"52:54:00:12:34:57"},
                     {"ifname":"wan1","link_type":"ether","flags":["BROADCAST","UP","LOWER_UP"],"address":"aa:bb:cc:dd:ee:01","linkinfo":{"info_kind":"veth"}},
                     {"ifname":"br-lan","link_type":"ether","flags":["UP","LOWER_UP"],"address":"aa:bb:cc:dd:ee:02","linkinfo":{"info_kind":"bridge"}},
                     {"ifname":"ppp-dsl","link_type":"ppp","flags":["UP","LOWER_UP"]},
                     {"ifname":"tun0","link_type":"none","flags":["UP"],"linkinfo":{"info_kind":"tun"}}]
                    """, ""),
                ("cat", ["/sys/class/net/eth0/speed"]) => new CommandResult(0, "1000\n", ""),
                ("cat", ["/sys/class/net/eth1/speed"]) => new CommandResult(0, "-1\n", ""),
                _ => new CommandResult(1, "", "Invalid argument"),
            });
    }

    [Fact]
    public async Task Ethernet_ports_and_veths_are_found_with_mac_carrier_and_speed()
    {
        var ports = await new PortInventory(new Canned()).DiscoverAsync(TestContext.Current.CancellationToken);

        Assert.Equal(
        [
            new("eth0", "52:54:00:12:34:56", true, 1000),
            new("eth1", "52:54:00:12:34:57", false, null),
            new("wan1", "aa:bb:cc:dd:ee:01", true, null),
        ], ports);
    }
}
