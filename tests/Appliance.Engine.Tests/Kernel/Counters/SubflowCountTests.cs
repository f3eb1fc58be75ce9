using System.Net;
using Appliance.Engine.Kernel.Counters;
using Appliance.Engine.Telemetry;

namespace Appliance.Engine.Tests.Kernel.Counters;

public sealed class SubflowCountTests
{
    [Fact]
    public void Subflows_are_counted_per_local_address_whatever_the_spacing_family_or_bound_device()
    {
        const string listing = """
            0      0          198.18.11.2:41234     203.0.113.20:7443
            0      0     198.18.12.2%wan2:50000     203.0.113.20:7443
            0      1448       198.18.11.2:41240     203.0.113.20:7443
            0      0   [::ffff:198.18.12.2]:50002   [::ffff:203.0.113.20]:7443
            0      0   [2001:db8::2]:40000          [2001:db8::20]:7443
            garbage
            """;

        var counts = SubflowCount.Parse(listing);

        Assert.Equal(2, counts["198.18.11.2"]);
        Assert.Equal(2, counts["198.18.12.2"]);
        Assert.Equal(1, counts["2001:db8::2"]);
        Assert.Equal(3, counts.Count);
    }

    [Fact]
    public void The_listing_asks_for_established_sockets_to_the_hub_only()
    {
        Assert.Equal(["-Htin", "state", "established", "dst", "203.0.113.20:7443"], SubflowCount.SsArguments(IPAddress.Parse("203.0.113.20"), 7443));
    }

    /// <summary>Captured from <c>ss -Htin</c> (iproute2 6.1): each socket line is followed by a tab-indented info line.</summary>
    private const string WithInfo =
        "0      0      198.18.11.2%wan1:44112  203.0.113.20:7443\n" +
        "\t bbr wscale:10,10 rto:204 rtt:0.34/0.646 ato:40 mss:1448 cwnd:14 bytes_sent:4000 bytes_acked:3990 bytes_received:164 segs_out:6 segs_in:7 tcp-ulp-mptcp flags:Jjecv token:0000(id:0)/3f1c(id:0) seq:0 sfseq:1 ssnoff:1 maplen:0\n" +
        "0      0      198.18.11.2%wan1:44120  203.0.113.20:7443\n" +
        "\t bbr wscale:10,10 rto:204 rtt:0.09/0.103 mss:1448 cwnd:30 ssthresh:8 bytes_sent:2401702014 bytes_retrans:462937 bytes_acked:2401239078 bytes_received:1000 segs_out:40600 busy:1228ms\n" +
        "0      0      198.18.12.2:50000  203.0.113.20:7443\n" +
        "\t cubic wscale:7,7 rto:208 rtt:4.1/2 mss:1448 cwnd:10 bytes_acked:700 bytes_received:2400000 segs_out:9\n";

    [Fact]
    public void Subflow_bytes_are_summed_per_local_address_from_the_info_lines()
    {
        var traffic = SubflowCount.ParseTraffic(WithInfo);

        Assert.Equal(new PathTraffic(2, 4000 + 2401702014, 164 + 1000), traffic["198.18.11.2"]);
        Assert.Equal(2, traffic.Count);
    }

    [Fact]
    public void Without_bytes_sent_a_subflow_counts_its_acknowledged_bytes()
    {
        var traffic = SubflowCount.ParseTraffic(WithInfo);

        Assert.Equal(new PathTraffic(1, 700, 2400000), traffic["198.18.12.2"]);
    }

    [Fact]
    public void Info_lines_are_not_counted_as_sockets()
    {
        Assert.Equal(2, SubflowCount.Parse(WithInfo)["198.18.11.2"]);
        Assert.Equal(1, SubflowCount.Parse(WithInfo)["198.18.12.2"]);
    }
}
