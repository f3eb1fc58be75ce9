namespace Appliance.Engine.Bonding;

/// <summary>Relays one TCP session between two ends, keeping TCP's semantics: half-close passes through, so does a reset.</summary>
public static class DuplexRelay
{
    /// <summary>
    /// Copies <paramref name="a"/>→<paramref name="b"/> (up) and <paramref name="b"/>→<paramref name="a"/> (down) until
    /// both directions have ended. An end that finishes sending has its peer's write side shut, and the other
    /// direction goes on (HTTP/1.0 and many protocols close their request side and wait for the answer). Any error
    /// resets both ends, so neither peer mistakes a broken session for a complete one.
    /// </summary>
    /// <param name="budget">Where each direction takes a buffer from while it has data to move, and only then.</param>
    /// <param name="session">Told of every byte moved (the idle clock); null when nothing watches for idleness.</param>
    /// <exception cref="OperationCanceledException">The caller cancelled; both ends were reset.</exception>
    public static async Task<RelayResult> RunAsync(
        RelayEnd a, RelayEnd b, RelayBufferBudget budget, RelayCounters? counters, RelaySession? session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(budget);
        var failed = 0;
        void AbortBoth()
        {
            Interlocked.Exchange(ref failed, 1);
            a.Abort();
            b.Abort();
        }

        // The registration resets the ends rather than relying on each I/O call honouring the token: a cancelled
        // SslStream read leaves the stream unusable anyway, and a reset tells both peers the session is over.
        using (ct.Register(AbortBoth))
        {
            var up = PumpAsync(a, b, new Direction(budget, counters, session, Up: true), AbortBoth, ct);
            var down = PumpAsync(b, a, new Direction(budget, counters, session, Up: false), AbortBoth, ct);
            var bytes = await Task.WhenAll(up, down);
            ct.ThrowIfCancellationRequested();
            return new RelayResult(bytes[0], bytes[1], Volatile.Read(ref failed) != 0);
        }
    }

    /// <summary>The same, with a budget that never makes anyone wait and no idle clock.</summary>
    public static Task<RelayResult> RunAsync(RelayEnd a, RelayEnd b, RelayCounters? counters, CancellationToken ct) =>
        RunAsync(a, b, Unlimited, counters, null, ct);

    private static readonly RelayBufferBudget Unlimited = RelayBufferBudget.Unlimited();

    private sealed record Direction(RelayBufferBudget Budget, RelayCounters? Counters, RelaySession? Session, bool Up)
    {
        public void Count(int bytes)
        {
            if (Counters is null)
            {
                return;
            }
            if (Up)
            {
                Counters.AddUp(bytes);
            }
            else
            {
                Counters.AddDown(bytes);
            }
        }
    }

    /// <summary>One direction; never throws: a failure resets both ends, which ends the other direction as well.</summary>
    private static async Task<long> PumpAsync(RelayEnd from, RelayEnd to, Direction direction, Action abortBoth, CancellationToken ct)
    {
        // Yield first so both directions start before either blocks on a read.
        await Task.Yield();
        long total = 0;
        try
        {
            while (true)
            {
                // A zero-byte read waits for data (or the end) without a buffer: an idle session holds no buffer memory.
                await from.ReadAsync(Memory<byte>.Empty, ct);
                var buffer = await direction.Budget.RentAsync(ct);
                int? read;
                try
                {
                    read = await from.ReadAsync(buffer.AsMemory(0, RelayBufferBudget.BufferSize), ct);
                    // While the sender keeps the buffer full, the next chunk is read straight away with the same buffer;
                    // the buffer goes back as soon as nothing more has arrived.
                    while (read > 0)
                    {
                        direction.Session?.Touch();
                        await to.WriteAsync(buffer.AsMemory(0, read.Value), ct);
                        total += read.Value;
                        direction.Count(read.Value);
                        read = read == RelayBufferBudget.BufferSize ? await from.ReadReadyAsync(buffer.AsMemory(0, RelayBufferBudget.BufferSize), ct) : null;
                    }
                }
                finally
                {
                    direction.Budget.Return(buffer);
                }
                if (read == 0)
                {
                    await to.ShutdownWriteAsync();
                    return total;
                }
            }
        }
        catch (Exception)
        {
            abortBoth();
            return total;
        }
    }
}
