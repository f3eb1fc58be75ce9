using System.Net;
using Appliance.Data.Store.Security;

namespace Appliance.Data.Tests;

public sealed class ClientPartitionTests
{
    [Theory]
    [InlineData("198.51.100.7", "198.51.100.7")]
    [InlineData("::ffff:198.51.100.7", "198.51.100.7")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [InlineData("::1", "::/64")]
    public void An_ipv4_address_is_its_own_partition_and_ipv6_goes_by_its_64_bit_prefix(string address, string partition)
    {
        Assert.Equal(partition, ClientPartition.Of(IPAddress.Parse(address)));
        Assert.Equal(partition, ClientPartition.Of(address));
    }

    [Fact]
    public void A_request_without_an_address_and_a_word_source_keep_their_own_partition()
    {
        Assert.Equal(ClientPartition.Local, ClientPartition.Of((IPAddress?)null));
        Assert.Equal("web UI", ClientPartition.Of("web UI"));
    }
}
