using System.Text;
using Appliance.Engine.Kernel.Counters;
using Appliance.Engine.Planning;

namespace Appliance.Engine.Tests.Kernel.Counters;

public sealed class SessionCountTests
{
    /// <summary>Captured from <c>conntrack -L</c> (conntrack-tools 1.4.7); marks are printed in decimal.</summary>
    private const string Listing = """
        tcp      6 431998 ESTABLISHED src=198.18.1.10 dst=203.0.113.5 sport=43618 dport=80 src=203.0.113.5 dst=198.18.11.2 sport=80 dport=43618 [ASSURED] mark=65536 use=1
        udp      17 29 src=198.18.1.10 dst=203.0.113.53 sport=48005 dport=53 src=203.0.113.53 dst=198.18.11.2 sport=53 dport=48005 mark=65536 use=1
        tcp      6 117 SYN_SENT src=198.18.1.11 dst=198.51.100.9 sport=40000 dport=443 [UNREPLIED] src=198.51.100.9 dst=198.18.12.2 sport=443 dport=40000 mark=131073 use=1
        tcp      6 431999 ESTABLISHED src=2001:db8::10 dst=2001:db8:1::5 sport=56682 dport=443 src=2001:db8:1::5 dst=2001:db8::10 sport=443 dport=56682 [ASSURED] mark=131072 secmark=5 use=1
        icmp     1 29 src=198.18.1.10 dst=203.0.113.5 type=8 code=0 id=7 src=203.0.113.5 dst=198.18.1.10 type=0 code=0 id=7 mark=0 use=1
        tcp      6 10 TIME_WAIT src=192.0.2.1 dst=192.0.2.2 sport=1 dport=2 src=192.0.2.2 dst=192.0.2.1 sport=2 dport=1 use=1
        """;

    [Fact]
    public void Entries_are_counted_per_mark_on_the_appliance_bits_only()
    {
        var counts = SessionCount.ParseByMark(Listing);

        Assert.Equal(2, counts[KernelIds.MarkOf(1)]);
        // 131073 carries a bit outside the appliance's mask (someone else's); it still belongs to slot 2.
        Assert.Equal(2, counts[KernelIds.MarkOf(2)]);
        Assert.Equal(2, counts.Count);
    }

    [Fact]
    public void Unmarked_and_malformed_entries_are_left_out()
    {
        var counts = SessionCount.ParseByMark("tcp 6 1 src=192.0.2.1 mark=\ntcp 6 1 mark=99999999999999 use=1\nmark=65536 without a leading space\n");

        Assert.Empty(counts);
    }

    [Fact]
    public void Twenty_thousand_entries_are_counted_in_one_pass()
    {
        var listing = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            listing.Append("tcp      6 431998 ESTABLISHED src=198.18.1.10 dst=203.0.113.5 sport=").Append(1024 + i % 60000)
                .Append(" dport=80 src=203.0.113.5 dst=198.18.11.2 sport=80 dport=43618 [ASSURED] mark=").Append(KernelIds.MarkOf(1 + i % 4)).Append(" use=1\n");
        }

        var counts = SessionCount.ParseByMark(listing.ToString());

        Assert.Equal([5000L, 5000L, 5000L, 5000L], Enumerable.Range(1, 4).Select(slot => counts[KernelIds.MarkOf(slot)]));
    }

    [Fact]
    public void The_listing_is_one_conntrack_call_for_every_family()
    {
        Assert.Equal(["-L"], SessionCount.ConntrackArguments);
    }
}
