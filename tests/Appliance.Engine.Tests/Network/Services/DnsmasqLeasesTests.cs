using Appliance.Engine.Network;
using Appliance.Engine.Network.Services;

namespace Appliance.Engine.Tests.Network.Services;

public class DnsmasqLeasesTests
{
    private const string LeaseFile =
        "1767225600 02:00:5e:10:00:64 198.18.0.100 laptop 01:02:00:5e:10:00:64\n" +
        "0 02:00:5E:10:00:01 198.18.0.10 printer *\n" +
        "1767229200 02:00:5e:10:00:65 198.18.0.101 * *\n";

    [Fact]
    public void Leases_are_read_with_expiry_name_and_static_flag()
    {
        var leases = DnsmasqLeases.Parse(LeaseFile, new HashSet<string> { "02:00:5e:10:00:01" });

        Assert.Equal(
            [
                new LanLease("02:00:5e:10:00:64", "198.18.0.100", "laptop", DateTimeOffset.FromUnixTimeSeconds(1767225600), false),
                new LanLease("02:00:5e:10:00:01", "198.18.0.10", "printer", null, true),
                new LanLease("02:00:5e:10:00:65", "198.18.0.101", null, DateTimeOffset.FromUnixTimeSeconds(1767229200), false),
            ],
            leases);
    }

    [Theory]
    [InlineData("duid 00:01:00:01:2c:5e:10:00:02:00:5e:10:00:64")]
    [InlineData("1767225600 1234567 2001:db8::100 laptop 00:01:00:01")]
    [InlineData("1767225600 06-02:00:5e:10:00:64 198.18.0.100 laptop *")]
    [InlineData("1767225600 02:00:5e:10:00:64 198.18.0.100 laptop")]
    [InlineData("1767225600 02:00:5e:10:00:64 198.18.0.100 laptop * extra")]
    [InlineData("-1 02:00:5e:10:00:64 198.18.0.100 laptop *")]
    [InlineData("1767225600 02:00:5e:10:00:64 198.18.0 laptop *")]
    [InlineData("1767225600 02:00:5e:10:00:64 198.18.0.100\tlaptop *")]
    [InlineData("")]
    public void Lines_that_are_not_ipv4_ethernet_leases_are_skipped(string line) =>
        Assert.Empty(DnsmasqLeases.Parse(line + "\n"));

    [Fact]
    public void A_hostname_that_is_not_a_dns_name_is_not_shown()
    {
        var lease = Assert.Single(DnsmasqLeases.Parse("0 02:00:5e:10:00:64 198.18.0.100 <b>x</b> *\n"));
        Assert.Null(lease.Hostname);
    }

    [Fact]
    public void A_file_with_crlf_or_no_final_newline_still_reads() =>
        Assert.Equal(2, DnsmasqLeases.Parse("0 02:00:5e:10:00:64 198.18.0.100 a *\r\n0 02:00:5e:10:00:65 198.18.0.101 b *").Count);
}
