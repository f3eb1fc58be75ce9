using Appliance.Engine.Factory;

namespace Appliance.Engine.Tests.Factory;

public sealed class PortNameComparerTests
{
    [Theory]
    [InlineData("eth2", "eth10")]
    [InlineData("enp1s0", "enp2s0")]
    [InlineData("enp2s0", "enp10s0")]
    [InlineData("enp1s0f0", "enp1s0f1")]
    [InlineData("eno1", "enp1s0")]
    [InlineData("eth", "eth0")]
    [InlineData("eth01", "eth1")]
    public void Orders_numbers_by_value_and_the_rest_by_character(string first, string second)
    {
        Assert.True(PortNameComparer.Instance.Compare(first, second) < 0);
        Assert.True(PortNameComparer.Instance.Compare(second, first) > 0);
    }

    [Fact]
    public void Sorts_a_box_s_ports_as_a_person_counts_them() =>
        Assert.Equal(["eth0", "eth1", "eth2", "eth10", "eth11"], new[] { "eth11", "eth2", "eth0", "eth10", "eth1" }.Order(PortNameComparer.Instance));
}
