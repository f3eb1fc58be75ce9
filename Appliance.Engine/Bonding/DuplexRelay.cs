using System.Buffers;

namespace Appliance.Engine.Bonding;

/// <summary>Relays one TCP session between two ends, keeping TCP's semantics: half-close passes through, so does a reset.</summary>
public static class DuplexRelay
{
    private const int BufferSize = 64 * 1024;

    /// <summary>
    /// Copies <paramref name="a"/>→<paramref name="b"/> (up) and <paramref name="b"/>→<paramref name="a"/> (down) until
    /// both directions have ended. An end that finishes sending has its peer's write side shut, and the other
    /// direction goes on (HTTP/1.0 and many protocols close their request side and wait for the answer). Any error
    /// resets both ends, so neither peer mistakes a broken session for a complete one.
    /// </summary>
    /// <exception cref="OperationCanceledException">The caller cancelled; both ends were reset.</exception>
    public static async Task<RelayResult> RunAsync(RelayEnd a, RelayEnd b, RelayCounters? counters, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
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
            var up = PumpAsync(a, b, counters, up: true, AbortBoth, ct);
            var down = PumpAsync(b, a, counters, up: false, AbortBoth, ct);
            var bytes = await Task.WhenAll(up, down);
            ct.ThrowIfCancellationRequested();
            return new RelayResult(bytes[0], bytes[1], Volatile.Read(ref failed) != 0);
        }
    }

    /// <summary>One direction; never throws: a failure resets both ends, which ends the other direction as well.</summary>
    private static async Task<long> PumpAsync(RelayEnd from, RelayEnd to, RelayCounters? counters, bool up, Action abortBoth, CancellationToken ct)
    {
        // Yield first so both directions start before either blocks on a read.
        await Task.Yield();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long total = 0;
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer.AsMemory(0, BufferSize), ct);
                if (read == 0)
                {
                    await to.ShutdownWriteAsync();
                    return total;
                }
                await to.WriteAsync(buffer.AsMemory(0, read), ct);
                total += read;
                if (counters is not null)
                {
                    if (up)
                    {
                        Interlocked.Add(ref counters.Up, read);
                    }
                    else
                    {
                        Interlocked.Add(ref counters.Down, read);
                    }
                }
            }
        }
        catch (Exception)
        {
            abortBoth();
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
