using System.Net;
using Appliance.Engine.Telemetry;

namespace Appliance.Engine.Tests.Telemetry;

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
        Assert.Equal(["-Htn", "state", "established", "dst", "203.0.113.20:7443"], SubflowCount.SsArguments(IPAddress.Parse("203.0.113.20"), 7443));
    }
}
