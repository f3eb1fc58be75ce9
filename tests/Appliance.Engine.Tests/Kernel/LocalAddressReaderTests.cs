using System.Net;
using Appliance.Engine.Kernel;

namespace Appliance.Engine.Tests.Kernel;

/// <summary>The hub's own addresses from the kernel's local table: every local and broadcast destination, prefixes kept.</summary>
public sealed class LocalAddressReaderTests
{
    [Fact]
    public void Local_and_broadcast_routes_are_the_hosts_own_and_nothing_else_is()
    {
        const string v4 = """
            [{"type":"local","dst":"127.0.0.0/8","dev":"lo","scope":"host"},{"type":"local","dst":"203.0.113.20","dev":"lo"},
             {"type":"broadcast","dst":"198.19.250.255","dev":"eth0"},{"type":"local","dst":"198.51.100.0/24","dev":"lo"},
             {"type":"unicast","dst":"192.0.2.0/24","dev":"eth0"}]
            """;
        const string v6 = """[{"type":"local","dst":"::1","dev":"lo"},{"type":"multicast","dst":"ff00::/8","dev":"eth0"},{"type":"local","dst":"fe80::1","dev":"eth0"}]""";

        Assert.Equal(
            ["127.0.0.0/8", "203.0.113.20/32", "198.19.250.255/32", "198.51.100.0/24", "::1/128", "fe80::1/128"],
            [.. LocalAddressReader.Parse(v4).Concat(LocalAddressReader.Parse(v6)).Select(n => n.ToString())]);
    }

    [Fact]
    public void An_empty_answer_is_no_addresses() => Assert.Empty(LocalAddressReader.Parse(""));
}
