using System.Net.Security;
using System.Net.Sockets;

namespace Appliance.Engine.Bonding;

/// <summary>One side of a relayed session: a connected socket, read and written directly or through TLS over it.</summary>
/// <remarks>
/// The socket is kept next to the stream because TCP's half-close and reset are socket operations a
/// <see cref="Stream"/> cannot express. The end owns both and disposes both.
/// </remarks>
public sealed class RelayEnd(Socket socket, Stream? stream = null) : IAsyncDisposable
{
    private int _aborted;

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct) =>
        stream is null ? socket.ReceiveAsync(buffer, SocketFlags.None, ct) : stream.ReadAsync(buffer, ct);

    /// <summary>
    /// Reads what has arrived already, without waiting for more: null when nothing has (or, under TLS, when this end
    /// cannot tell without waiting), 0 at the end.
    /// </summary>
    public async ValueTask<int?> ReadReadyAsync(Memory<byte> buffer, CancellationToken ct) => stream switch
    {
        null => await MultipathStream.ReceiveReadyAsync(socket, buffer, ct),
        MultipathStream multipath => await multipath.ReadReadyAsync(buffer, ct),
        _ => null,
    };

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct)
    {
        if (stream is not null)
        {
            await stream.WriteAsync(buffer, ct);
            return;
        }
        while (!buffer.IsEmpty)
        {
            var sent = await socket.SendAsync(buffer, SocketFlags.None, ct);
            buffer = buffer[sent..];
        }
    }

    /// <summary>
    /// Tells the peer nothing more comes from this side (FIN) while still reading what it sends. Under TLS the
    /// close_notify goes first, so the peer can tell an orderly end from a truncation.
    /// </summary>
    public async ValueTask ShutdownWriteAsync()
    {
        if (stream is SslStream tls)
        {
            await tls.ShutdownAsync();
        }
        socket.Shutdown(SocketShutdown.Send);
    }

    /// <summary>
    /// Ends the connection with a reset instead of a FIN, so the peer learns the session failed rather than ended;
    /// pending reads and writes on this end fail. Safe to call more than once and from any thread.
    /// </summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone: nothing left to reset.
        }
        socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (stream is not null)
        {
            try
            {
                await stream.DisposeAsync();
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                // Disposing TLS over a reset connection can fail; the socket below is closed regardless.
            }
        }
        socket.Dispose();
    }
}
