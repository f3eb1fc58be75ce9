using System.Net;
using Appliance.Engine.Bonding;

namespace Appliance.Engine.Tests.Bonding;

/// <summary>Handshake slots: capped in total and per source, an IPv4 address or an IPv6 /64.</summary>
public sealed class HandshakeSlotsTests
{
    private static IPAddress Ip(string text) => IPAddress.Parse(text);

    [Fact]
    public void One_source_gets_no_more_than_its_share_while_another_still_gets_in()
    {
        var slots = new HandshakeSlots(total: 256, perSource: 8);
        var taken = Enumerable.Range(0, 300).Select(_ => slots.TryTake(Ip("198.51.100.7"))).ToList();

        Assert.Equal(8, taken.Count(s => s is not null));
        Assert.NotNull(slots.TryTake(Ip("198.51.100.8")));
        Assert.Equal(9, slots.InUse);
    }

    [Fact]
    public void A_returned_slot_frees_room_for_its_source_once_even_when_disposed_twice()
    {
        var slots = new HandshakeSlots(total: 10, perSource: 2);
        var first = slots.TryTake(Ip("198.51.100.7"))!;
        Assert.NotNull(slots.TryTake(Ip("198.51.100.7")));
        Assert.Null(slots.TryTake(Ip("198.51.100.7")));

        first.Dispose();
        first.Dispose();

        Assert.NotNull(slots.TryTake(Ip("198.51.100.7")));
        Assert.Null(slots.TryTake(Ip("198.51.100.7")));
        Assert.Equal(2, slots.InUse);
    }

    [Fact]
    public void The_total_caps_every_source_together()
    {
        var slots = new HandshakeSlots(total: 3, perSource: 8);
        Assert.NotNull(slots.TryTake(Ip("198.51.100.1")));
        Assert.NotNull(slots.TryTake(Ip("198.51.100.2")));
        Assert.NotNull(slots.TryTake(Ip("198.51.100.3")));
        Assert.Null(slots.TryTake(Ip("198.51.100.4")));
    }

    [Fact]
    public void An_IPv6_64_is_one_source_and_the_next_64_another()
    {
        var slots = new HandshakeSlots(total: 100, perSource: 2);
        Assert.NotNull(slots.TryTake(Ip("2001:db8:1:2::1")));
        Assert.NotNull(slots.TryTake(Ip("2001:db8:1:2:ffff:ffff:ffff:ffff")));
        Assert.Null(slots.TryTake(Ip("2001:db8:1:2:1234::9")));
        Assert.NotNull(slots.TryTake(Ip("2001:db8:1:3::1")));
    }

    [Fact]
    public void An_IPv4_mapped_source_is_its_IPv4_address()
    {
        var slots = new HandshakeSlots(total: 100, perSource: 1);
        Assert.NotNull(slots.TryTake(Ip("198.51.100.7")));
        Assert.Null(slots.TryTake(Ip("::ffff:198.51.100.7")));
        // ...and never the same source as an IPv6 /64 (::ffff:0:0/96 has a non-zero lower half).
        Assert.NotNull(slots.TryTake(Ip("::")));
    }

    [Fact]
    public void A_source_where_an_edge_proved_its_key_is_held_to_the_total_only_until_the_trust_expires()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var slots = new HandshakeSlots(total: 50, perSource: 2, time);
        var edge = Ip("198.18.11.2");
        slots.TryTake(edge);
        slots.TryTake(edge);
        Assert.Null(slots.TryTake(edge));

        slots.Trust(edge);

        Assert.Equal(48, Enumerable.Range(0, 60).Count(_ => slots.TryTake(edge) is not null));
        Assert.Equal(50, slots.InUse);

        var other = new HandshakeSlots(total: 50, perSource: 2, time);
        other.Trust(edge);
        time.Advance(HandshakeSlots.TrustFor);
        Assert.Equal(2, Enumerable.Range(0, 10).Count(_ => other.TryTake(edge) is not null));
    }

    [Fact]
    public void Trust_is_remembered_for_a_bounded_number_of_sources_the_oldest_forgotten_first()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var slots = new HandshakeSlots(total: 100_000, perSource: 1, time);
        var first = Ip("198.51.100.1");
        slots.Trust(first);
        for (var i = 1; i <= HandshakeSlots.MaxTrustedSources; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            slots.Trust(new IPAddress(0x0a000000u + (uint)i));
        }

        Assert.NotNull(slots.TryTake(first));
        Assert.Null(slots.TryTake(first));
    }
}
