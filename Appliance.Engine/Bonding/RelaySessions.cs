using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Appliance.Engine.Kernel.Sockets;

namespace Appliance.Engine.Bonding;

/// <summary>
/// The live relayed sessions of one role: held under a global cap, and closed from outside when their edge's
/// registration changes or when they have been idle too long.
/// </summary>
public sealed class RelaySessions(TimeProvider time)
{
    private readonly ConcurrentDictionary<long, RelaySession> _sessions = new();
    private long _nextId;
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Registers a session, or returns null when <paramref name="limit"/> sessions are open already.</summary>
    /// <param name="edge">Hub: the edge the session belongs to. Edge: null.</param>
    /// <param name="ct">Cancelling it (the relay ct) cancels the session too.</param>
    public RelaySession? TryOpen(int limit, EdgeCredential? edge, IPEndPoint destination, CancellationToken ct)
    {
        if (Interlocked.Increment(ref _count) > limit)
        {
            Interlocked.Decrement(ref _count);
            return null;
        }
        var session = new RelaySession(this, Interlocked.Increment(ref _nextId), edge, destination, time, ct);
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>Closes every session for which <paramref name="why"/> gives a reason; returns how many.</summary>
    public int Close(Func<RelaySession, string?> why)
    {
        ArgumentNullException.ThrowIfNull(why);
        var closed = 0;
        foreach (var session in _sessions.Values)
        {
            if (why(session) is { } reason && session.Close(reason))
            {
                closed++;
            }
        }
        return closed;
    }

    /// <summary>
    /// Closes the sessions whose MPTCP peer is gone: data in flight that the peer has acknowledged nothing of for
    /// <paramref name="silence"/>, or no subflow left for <paramref name="pathless"/> (keepalive ended each path, but the
    /// connection itself would wait for a new one forever).
    /// </summary>
    /// <param name="state">Reads a connection's state (null: cannot tell, the session is left alone).</param>
    public int CloseDead(TimeSpan silence, TimeSpan pathless, Func<Socket, MultipathState?> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var now = time.GetTimestamp();
        return Close(s =>
        {
            if (s.Multipath is not { } socket || state(socket) is not { } seen)
            {
                s.PathlessSince = 0;
                return null;
            }
            if (seen.InFlight && seen.SinceLastAck >= silence)
            {
                return $"its MPTCP peer acknowledged nothing for {seen.SinceLastAck.TotalSeconds:0} s with data in flight";
            }
            if (seen.Subflows > 0)
            {
                s.PathlessSince = 0;
                return null;
            }
            if (s.PathlessSince == 0)
            {
                s.PathlessSince = now;
                return null;
            }
            return time.GetElapsedTime(s.PathlessSince, now) >= pathless ? $"its MPTCP connection had no path left for {pathless.TotalSeconds:0} s" : null;
        });
    }

    /// <summary>Closes the sessions that moved no byte either way for <paramref name="idle"/>.</summary>
    public int CloseIdle(TimeSpan idle) => Close(s => time.GetElapsedTime(s.LastActive) >= idle ? $"no data either way for {idle.TotalSeconds:0} s" : null);

    internal void Remove(RelaySession session)
    {
        if (_sessions.TryRemove(session.Id, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }
}

/// <summary>One live session in <see cref="RelaySessions"/>; disposing it takes it out.</summary>
public sealed class RelaySession : IDisposable
{
    private readonly RelaySessions _owner;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _cancel;
    private long _lastActive;
    private volatile string? _closedBecause;

    internal RelaySession(RelaySessions owner, long id, EdgeCredential? edge, IPEndPoint destination, TimeProvider time, CancellationToken ct)
    {
        (_owner, Id, Edge, Destination, _time) = (owner, id, edge, destination, time);
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _lastActive = time.GetTimestamp();
    }

    public long Id { get; }

    /// <summary>Hub: the edge's registration as it was when the session was admitted.</summary>
    public EdgeCredential? Edge { get; }

    public IPEndPoint Destination { get; }

    /// <summary>Cancelled when the session is closed from outside or the relay stops.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Why it was closed from outside, or null.</summary>
    public string? ClosedBecause => _closedBecause;

    /// <summary>When it last moved a byte (a <see cref="TimeProvider"/> timestamp).</summary>
    public long LastActive => Volatile.Read(ref _lastActive);

    /// <summary>The session's MPTCP leg (to the hub, or from the edge), watched for a connection left without a path.</summary>
    public Socket? Multipath { get; set; }

    /// <summary>When its MPTCP leg was first seen without a subflow (0: it has one); only the sweep touches it.</summary>
    internal long PathlessSince { get; set; }

    /// <summary>Data moved: the idle clock starts over.</summary>
    public void Touch() => Volatile.Write(ref _lastActive, _time.GetTimestamp());

    internal bool Close(string reason)
    {
        if (_closedBecause is not null)
        {
            return false;
        }
        _closedBecause = reason;
        try
        {
            _cancel.Cancel();
            return true;
        }
        catch (ObjectDisposedException)
        {
            // It ended by itself meanwhile.
            return false;
        }
    }

    public void Dispose()
    {
        _owner.Remove(this);
        _cancel.Dispose();
    }
}
