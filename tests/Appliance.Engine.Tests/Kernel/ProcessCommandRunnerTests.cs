using Appliance.Engine.Kernel;

namespace Appliance.Engine.Tests.Kernel;

public sealed class ProcessCommandRunnerTests
{
    [Theory]
    [InlineData("lab-appliance\n")]
    [InlineData("lab appliance")]
    [InlineData("../etc")]
    [InlineData("")]
    public void A_namespace_name_that_is_not_a_plain_name_is_refused(string name)
    {
        Assert.Throws<ArgumentException>(() => new ProcessCommandRunner(name));
    }

    [Fact]
    public void A_plain_namespace_name_is_taken()
    {
        Assert.Equal("lab-appliance_1.a", new ProcessCommandRunner("lab-appliance_1.a").Namespace);
    }
}
