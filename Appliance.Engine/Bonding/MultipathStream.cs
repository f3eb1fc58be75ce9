using System.Net.Sockets;

namespace Appliance.Engine.Bonding;

/// <summary>
/// A stream over a kernel MPTCP socket whose zero-byte reads wait for data without <c>MSG_PEEK</c>: they read one byte
/// and hand it out with the next read.
/// </summary>
/// <remarks>
/// .NET waits out a zero-byte socket read with a one-byte <c>MSG_PEEK</c>. On MPTCP connections with several subflows
/// (Linux 6.18, seen with a few thousand bonded sessions) a receive after such a peek sometimes never completes although
/// the data is queued, and the session stalls holding its buffer. One real byte costs one byte per idle direction, and
/// the relay still rents its buffer only once data is there.
/// </remarks>
public sealed class MultipathStream(Socket socket) : Stream
{
    private readonly byte[] _held = new byte[1];
    private bool _holding;
    private bool _ended;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_ended)
        {
            return 0;
        }
        if (buffer.IsEmpty)
        {
            // Wait for data (or the end): take its first byte now, so no peek is needed.
            if (!_holding)
            {
                _holding = await socket.ReceiveAsync(_held, SocketFlags.None, cancellationToken) == 1;
                _ended = !_holding;
            }
            return 0;
        }
        if (!_holding)
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        }
        _holding = false;
        buffer.Span[0] = _held[0];
        return buffer.Length == 1 ? 1 : 1 + Math.Max(0, await ReceiveReadyAsync(socket, buffer[1..], cancellationToken) ?? 0);
    }

    /// <summary>What is there already, without waiting: null when nothing is, 0 at the end.</summary>
    public async ValueTask<int?> ReadReadyAsync(Memory<byte> buffer, CancellationToken ct)
    {
        if (_ended)
        {
            return 0;
        }
        return _holding ? await ReadAsync(buffer, ct) : await ReceiveReadyAsync(socket, buffer, ct);
    }

    /// <summary>
    /// Receives what is there already without waiting for more (null when nothing is, 0 at the end): the receive is
    /// tried at once and withdrawn when it would wait. The socket's queue count is no guide on MPTCP, which may count
    /// bytes already read.
    /// </summary>
    internal static async ValueTask<int?> ReceiveReadyAsync(Socket socket, Memory<byte> buffer, CancellationToken ct)
    {
        using var now = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var receive = socket.ReceiveAsync(buffer, SocketFlags.None, now.Token);
        if (!receive.IsCompleted)
        {
            await now.CancelAsync();
        }
        try
        {
            return await receive;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var sent = await socket.SendAsync(buffer, SocketFlags.None, cancellationToken);
            buffer = buffer[sent..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
