using Appliance.Engine.Factory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Appliance.Engine.Tests.Factory;

/// <summary>A box comes up reachable whatever its defaults file says: anything unusable means the built-in defaults.</summary>
public sealed class FactoryDefaultsFileTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"factory-defaults-{Guid.NewGuid():N}.json");

    private FactoryDefaults Load() =>
        new FactoryDefaultsFile(Options.Create(new FactoryOptions { DefaultsPath = _path }), NullLogger<FactoryDefaultsFile>.Instance).Load();

    [Fact]
    public void A_missing_file_means_the_built_in_defaults() =>
        Assert.Same(FactoryDefaults.BuiltIn, Load());

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{ "lan": { "adress": "198.18.0.1/24" } }""")]
    [InlineData("""{ "lan": { "address": "198.18.0.1/99" } }""")]
    public void A_file_that_cannot_be_read_or_would_not_validate_means_the_built_in_defaults(string text)
    {
        File.WriteAllText(_path, text);

        Assert.Same(FactoryDefaults.BuiltIn, Load());
    }

    [Fact]
    public void A_valid_file_is_used()
    {
        File.WriteAllText(_path, """
            { "lan": { "address": "198.18.0.1/24", "dhcp": { "enabled": true, "rangeStart": "198.18.0.100", "rangeEnd": "198.18.0.150" } },
              "wan": { "probes": { "targets": ["192.0.2.1"] } } }
            """);

        var defaults = Load();

        Assert.Equal("198.18.0.1/24", defaults.Lan.Address);
        Assert.Equal(("198.18.0.100", "198.18.0.150"), (defaults.Lan.Dhcp.RangeStart, defaults.Lan.Dhcp.RangeEnd));
        Assert.Equal(["192.0.2.1"], defaults.Wan.Probes.Targets);
    }

    public void Dispose() => File.Delete(_path);
}
