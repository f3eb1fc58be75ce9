using System.Net;
using System.Net.Sockets;
using Appliance.Engine.Bonding;
using Appliance.Engine.Kernel;
using Appliance.Engine.Kernel.Sockets;
using Appliance.Engine.Planning;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Engine.Tests.Bonding;

/// <summary>The edge's relay: a listener that cannot bind is reported and retried, never the end of the relay.</summary>
public sealed class EdgeRelayTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_port_in_use_is_reported_and_tried_again_until_it_is_free()
    {
        // Someone else holds the relay's port.
        var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        var port = ((IPEndPoint)squatter.LocalEndPoint!).Port;
        var feed = new BondingPlanFeed();
        feed.Set(new BondingPlan(port, new HubTarget("203.0.113.20", 7443, "edge-1", "unit-test-shared-key-0123", false), []));
        var monitor = new BondingMonitor();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var relay = new EdgeRelay(feed, new LocalSocketFactory(), monitor, Options.Create(new BondingOptions()), time, NullLogger<EdgeRelay>.Instance);
        await relay.StartAsync(Ct);
        try
        {
            await WaitForAsync(() => monitor.Snapshot([])?.State == "failed", "the relay did not report the port in use");
            Assert.Contains("cannot serve", monitor.Snapshot([])!.LastError, StringComparison.Ordinal);
            Assert.False(relay.ExecuteTask!.IsCompleted, "the edge relay ended on a port it could not bind");

            squatter.Dispose();
            await WaitForAsync(() =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                return monitor.Snapshot([])?.State == "idle";
            }, "the relay did not listen once the port was free");
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), Ct);
        }
        finally
        {
            squatter.Dispose();
            await relay.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void Keepalive_is_set_on_kernel_MPTCP_sockets_as_configured()
    {
        using var socket = LinuxSockets.CreateMptcp(new LocalSocketFactory(), AddressFamily.InterNetwork);

        KeepAlive.Enable(socket, new BondingOptions { KeepAliveIdleSeconds = 7, KeepAliveIntervalSeconds = 2, KeepAliveProbes = 3 });

        Assert.Equal(1, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.Equal(7, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!);
        Assert.Equal(2, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!);
        Assert.Equal(3, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)!);
    }

    private static async Task WaitForAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(20, Ct);
        }
    }
}
