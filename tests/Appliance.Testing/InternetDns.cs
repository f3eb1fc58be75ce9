using System.Diagnostics;

namespace Appliance.Testing;

/// <summary>
/// A DNS server on the lab's internet (dnsmasq answering from a fixed list, no forwarding): what the ISPs hand out as
/// their resolver, so a LAN client's lookup through the appliance has to cross a WAN to be answered.
/// </summary>
public sealed class InternetDns : IAsyncDisposable
{
    /// <summary>The resolver's address, on the internet namespace's loopback.</summary>
    public const string Address = "203.0.113.53";

    /// <summary>A name it answers, with <see cref="ServerNameAddress"/>.</summary>
    public const string ServerName = "server.example.test";

    /// <summary>
    /// The answer: in 198.18.0.0/15, because the appliance's DNS forwarder drops answers in the documentation ranges (as
    /// in private ones) to stop DNS rebinding.
    /// </summary>
    public const string ServerNameAddress = "198.19.200.10";

    private readonly Process _process;
    private readonly string _pidFile;

    private InternetDns(Process process, string pidFile)
    {
        _process = process;
        _pidFile = pidFile;
    }

    public static async Task<InternetDns> StartAsync(NetnsLab lab)
    {
        await lab.ExecAsync(lab.Inet, "ip", "addr", "replace", Address + "/32", "dev", "lo");
        var pidFile = Path.Combine(Path.GetTempPath(), $"inet-dns-{lab.Prefix}.pid");
        var process = lab.StartProcess(lab.Inet, "dnsmasq",
            "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--bind-interfaces",
            "--listen-address=" + Address, "--user=root", "--group=root", "--pid-file=" + pidFile,
            $"--address=/{ServerName}/{ServerNameAddress}");
        return new InternetDns(process, pidFile);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        File.Delete(_pidFile);
    }
}
