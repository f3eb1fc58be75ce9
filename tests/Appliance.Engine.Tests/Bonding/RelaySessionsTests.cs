using System.Net;
using System.Net.Sockets;
using Appliance.Engine.Bonding;
using Appliance.Engine.Kernel.Sockets;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Engine.Tests.Bonding;

/// <summary>Live sessions: held under a cap, closed when idle (virtual time) or when their edge's registration changes.</summary>
public sealed class RelaySessionsTests
{
    private static readonly IPEndPoint Destination = new(IPAddress.Parse("203.0.113.10"), 443);
    private static readonly EdgeCredential Edge = new("edge-1", "unit-test-shared-key-0123", true, false, 16);

    [Fact]
    public void The_cap_holds_and_a_closed_session_frees_its_place()
    {
        var sessions = new RelaySessions(TimeProvider.System);
        var first = sessions.TryOpen(2, null, Destination, CancellationToken.None);
        var second = sessions.TryOpen(2, null, Destination, CancellationToken.None);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(sessions.TryOpen(2, null, Destination, CancellationToken.None));
        first.Dispose();
        Assert.Equal(1, sessions.Count);
        Assert.NotNull(sessions.TryOpen(2, null, Destination, CancellationToken.None));
    }

    [Fact]
    public void A_session_that_moved_nothing_for_the_idle_time_is_closed_and_one_that_did_is_kept()
    {
        var time = new FakeTimeProvider();
        var sessions = new RelaySessions(time);
        using var quiet = sessions.TryOpen(10, null, Destination, CancellationToken.None)!;
        using var busy = sessions.TryOpen(10, null, Destination, CancellationToken.None)!;

        time.Advance(TimeSpan.FromMinutes(90));
        busy.Touch();
        time.Advance(TimeSpan.FromMinutes(30));

        Assert.Equal(1, sessions.CloseIdle(TimeSpan.FromHours(2)));
        Assert.True(quiet.Token.IsCancellationRequested);
        Assert.Contains("no data either way", quiet.ClosedBecause, StringComparison.Ordinal);
        Assert.False(busy.Token.IsCancellationRequested);
        // Closing is asked once: a second sweep finds nothing new to close.
        Assert.Equal(0, sessions.CloseIdle(TimeSpan.FromHours(2)));
    }

    [Fact]
    public void An_MPTCP_peer_that_acknowledges_nothing_in_flight_or_leaves_no_path_is_closed_after_its_grace()
    {
        var time = new FakeTimeProvider();
        var sessions = new RelaySessions(time);
        var states = new Dictionary<Socket, MultipathState>();
        RelaySession Open(MultipathState state)
        {
            var session = sessions.TryOpen(10, null, Destination, CancellationToken.None)!;
            session.Multipath = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            states[session.Multipath] = state;
            return session;
        }
        using var silent = Open(new MultipathState(2, InFlight: true, SinceLastAck: TimeSpan.FromSeconds(119)));
        using var pathless = Open(new MultipathState(0, InFlight: false, SinceLastAck: TimeSpan.FromMinutes(5)));
        // A peer that stopped reading: nothing in flight, its last acknowledgement long ago, its paths alive.
        using var paused = Open(new MultipathState(2, InFlight: false, SinceLastAck: TimeSpan.FromHours(1)));
        using var plain = sessions.TryOpen(10, null, Destination, CancellationToken.None)!;
        int Sweep() => sessions.CloseDead(TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(60), socket => states[socket]);

        Assert.Equal(0, Sweep());
        states[silent.Multipath!] = states[silent.Multipath!] with { SinceLastAck = TimeSpan.FromSeconds(120) };
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(1, Sweep());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, Sweep());

        Assert.Contains("acknowledged nothing for 120 s", silent.ClosedBecause, StringComparison.Ordinal);
        Assert.Contains("no path left for 60 s", pathless.ClosedBecause, StringComparison.Ordinal);
        Assert.Null(paused.ClosedBecause);
        Assert.Null(plain.ClosedBecause);
        foreach (var socket in states.Keys)
        {
            socket.Dispose();
        }
    }

    [Fact]
    public void A_path_that_returns_in_time_keeps_the_session()
    {
        var time = new FakeTimeProvider();
        var sessions = new RelaySessions(time);
        using var session = sessions.TryOpen(10, null, Destination, CancellationToken.None)!;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        session.Multipath = socket;
        var subflows = 0;
        int Sweep() => sessions.CloseDead(TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(60), _ => new MultipathState(subflows, false, TimeSpan.Zero));

        Sweep();
        time.Advance(TimeSpan.FromSeconds(50));
        subflows = 1;
        Sweep();
        subflows = 0;
        time.Advance(TimeSpan.FromSeconds(50));
        Sweep();
        time.Advance(TimeSpan.FromSeconds(50));

        // Without a path again for 50 s only: the clock started over when the path came back.
        Assert.Equal(0, Sweep());
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, Sweep());
    }

    [Fact]
    public void Stopping_the_relay_cancels_every_session()
    {
        using var stopping = new CancellationTokenSource();
        var sessions = new RelaySessions(TimeProvider.System);
        using var session = sessions.TryOpen(10, null, Destination, stopping.Token)!;

        stopping.Cancel();

        Assert.True(session.Token.IsCancellationRequested);
    }

    [Theory]
    [InlineData("removed", "the edge was removed")]
    [InlineData("disabled", "the edge was disabled")]
    [InlineData("rekeyed", "the edge's key was replaced")]
    [InlineData("encrypt", "the edge's encryption setting changed")]
    [InlineData("unallowed", "its destination is no longer allowed (private-use)")]
    [InlineData("limit", null)]
    [InlineData("description", null)]
    public void A_change_of_the_edge_closes_its_sessions_when_it_takes_away_their_right_to_run(string change, string? why)
    {
        var destination = new IPEndPoint(IPAddress.Parse("10.20.1.2"), 443);
        var then = Edge with { AllowedDestinations = [IPNetwork.Parse("10.20.0.0/16")] };
        EdgeCredential? now = change switch
        {
            "removed" => null,
            "disabled" => then with { Enabled = false },
            "rekeyed" => then with { Key = "another-shared-key-00000" },
            "encrypt" => then with { Encrypt = true },
            "unallowed" => then with { AllowedDestinations = [] },
            "limit" => then with { MaxSessions = 1 },
            _ => then with { },
        };

        Assert.Equal(why, HubRelay.WhyClose(then, now, DestinationPolicy.WithoutOwnAddresses, destination));
    }
}
