using Appliance.Engine.Configuration;
using Appliance.Engine.Kernel;
using Appliance.Engine.Network.Services;

namespace Appliance.Engine.Tests.Network.Services;

/// <summary>A PPPoE account in, exact pppd options out; and pppd reads them (all but the PPPoE plugin's, which need the kernel's PPPoE).</summary>
public class PppdOptionsTests
{
    private static PppdInput Input(PppoeSettings pppoe, string wan = "dsl", string port = "eth1") =>
        new(wan, port, pppoe, "/usr/lib/appliance/ppp-up", "/usr/lib/appliance/ppp-down", $"/run/appliance/ppp/{wan}.state");

    private static readonly PppoeSettings Account = new() { Username = "customer@isp.example", Password = "s3cret-PPP" };

    public static IEnumerable<(string Name, PppdInput Input)> Cases()
    {
        yield return ("default", Input(Account));
        yield return ("service_name_and_mtu", Input(Account with { ServiceName = "Fiber 1G", Mtu = 1480 }, wan: "fiber"));
        yield return ("quotes_backslashes_and_hashes", Input(Account with { Username = "o'brien \"home\"", Password = "p#ss \\\"word\" x" }));
        yield return ("long_wan_name_without_password", Input(Account with { Password = null }, wan: "backup-dsl-line-2", port: "enp3s0f1"));
    }

    public static TheoryData<string> CaseNames() => new(Cases().Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Options_match_golden_file(string name) =>
        GoldenFile.AssertMatches(PppdOptions.Render(Cases().Single(c => c.Name == name).Input), $"pppd_{name}.options");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Pppd_reads_every_option_and_value(string name)
    {
        // The plugin's options need PPPoE in the kernel, so they are left out; /dev/null stands in for the device.
        // pppd then stops at "no PPP in the kernel" (exit 4), after every option was read; a bad one exits 2.
        var lines = PppdOptions.Render(Cases().Single(c => c.Name == name).Input).Split('\n')
            .Where(l => !l.StartsWith("plugin ", StringComparison.Ordinal) && !l.StartsWith("nic-", StringComparison.Ordinal) &&
                        !l.StartsWith("rp_pppoe_", StringComparison.Ordinal));
        var path = Path.Combine(Path.GetTempPath(), $"pppd-test-{Environment.ProcessId}-{name}.options");
        await File.WriteAllTextAsync(path, string.Join('\n', lines) + "/dev/null\n", TestContext.Current.CancellationToken);
        try
        {
            var result = await new ProcessCommandRunner().RunAsync("pppd", ["file", path, "dryrun"], ct: TestContext.Current.CancellationToken);
            Assert.True(result.ExitCode is 0 or 4, $"{name}: exit {result.ExitCode}: {result.Stderr}{result.Stdout}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("dsl", "ppp-dsl")]
    [InlineData("wan-1234567", "ppp-wan-1234567")]
    public void Ppp_device_is_named_after_the_wan(string wan, string device) => Assert.Equal(device, PppdOptions.InterfaceName(wan));

    [Fact]
    public void Long_wan_names_get_distinct_devices_that_fit()
    {
        var a = PppdOptions.InterfaceName("backup-dsl-line-2");
        var b = PppdOptions.InterfaceName("backup-dsl-line-3");
        Assert.NotEqual(a, b);
        Assert.All([a, b, PppdOptions.InterfaceName(new string('x', 32))], name =>
        {
            Assert.True(name.Length <= PppdOptions.MaxInterfaceName, name);
            Assert.Null(Appliance.Engine.Configuration.Validation.FieldRules.InterfaceNameError(name));
        });
        Assert.StartsWith("ppp-backu_", a);
    }

    [Fact]
    public void Secrets_line_quotes_the_account() =>
        Assert.Equal("\"o'brien \\\"home\\\"\" * \"p#ss \\\\word\" *\n", PppdSecrets.Render("o'brien \"home\"", "p#ss \\word"));

    [Theory]
    [InlineData("customer\nplugin /tmp/evil.so", "secret")]
    [InlineData("customer", "secret\nip-up-script /tmp/evil")]
    [InlineData("customer", "secret\rnoauth")]
    [InlineData("", "secret")]
    public void An_account_that_would_add_an_option_is_refused_and_the_password_not_shown(string user, string password)
    {
        var error = Assert.Throws<ArgumentException>(() => PppdOptions.Render(Input(Account with { Username = user, Password = password })));
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => PppdSecrets.Render(user, password));
    }

    [Fact]
    public void A_service_name_with_a_newline_is_refused() =>
        Assert.Throws<ArgumentException>(() => PppdOptions.Render(Input(Account with { ServiceName = "Fiber\nnodetach" })));

    [Theory]
    [InlineData(575)]
    [InlineData(1501)]
    public void An_mtu_pppoe_cannot_carry_is_refused(int mtu) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PppdOptions.Render(Input(Account with { Mtu = mtu })));

    [Fact]
    public void Pppd_gets_only_the_options_file() =>
        Assert.Equal(["file", "/run/appliance/ppp/dsl.options"], PppdCommand.Arguments("/run/appliance/ppp/dsl.options"));

    [Theory]
    [InlineData(1492, 1452)]
    [InlineData(1500, 1460)]
    public void Mss_is_clamped_to_the_mtu_less_ip_and_tcp_headers(int mtu, int mss) => Assert.Equal(mss, MssClamp.For(mtu));
}
