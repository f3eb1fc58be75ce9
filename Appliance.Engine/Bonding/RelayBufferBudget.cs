using System.Buffers;

namespace Appliance.Engine.Bonding;

/// <summary>
/// The buffer memory all relayed sessions of one role share. A direction of a session holds a buffer only while it
/// moves data; when the budget is spent the next one waits until a buffer comes back (backpressure: the sender's TCP
/// window fills), it never fails.
/// </summary>
public sealed class RelayBufferBudget : IDisposable
{
    /// <summary>What one direction reads and writes at a time.</summary>
    public const int BufferSize = 64 * 1024;

    private readonly SemaphoreSlim _buffers;
    private long _inUse;
    private long _peak;

    /// <param name="capacityBytes">Rounded down to whole buffers, and at least one.</param>
    public RelayBufferBudget(long capacityBytes)
    {
        var count = (int)Math.Clamp(capacityBytes / BufferSize, 1, int.MaxValue);
        CapacityBytes = (long)count * BufferSize;
        _buffers = new SemaphoreSlim(count, count);
    }

    /// <summary>A budget large enough never to make anyone wait (tests of the relay's TCP behaviour).</summary>
    public static RelayBufferBudget Unlimited() => new(1L << 40);

    public long CapacityBytes { get; }

    /// <summary>Buffer bytes held by sessions right now.</summary>
    public long InUseBytes => Interlocked.Read(ref _inUse);

    /// <summary>The most buffer bytes ever held at once.</summary>
    public long PeakBytes => Interlocked.Read(ref _peak);

    /// <summary>A buffer of <see cref="BufferSize"/> bytes, once the budget has room for it; give it back with <see cref="Return"/>.</summary>
    public async ValueTask<byte[]> RentAsync(CancellationToken ct)
    {
        await _buffers.WaitAsync(ct);
        var now = Interlocked.Add(ref _inUse, BufferSize);
        var peak = Interlocked.Read(ref _peak);
        while (now > peak && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
            peak = Interlocked.Read(ref _peak);
        }
        return ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    public void Return(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArrayPool<byte>.Shared.Return(buffer);
        Interlocked.Add(ref _inUse, -BufferSize);
        _buffers.Release();
    }

    public void Dispose() => _buffers.Dispose();
}
