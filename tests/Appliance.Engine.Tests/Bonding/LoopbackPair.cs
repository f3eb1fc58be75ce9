using Appliance.Engine.Bonding;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Engine.Tests.Bonding;

/// <summary>Two connected TCP sockets on loopback: the protocol and relay tests run over a real kernel connection.</summary>
public sealed class LoopbackPair : IDisposable
{
    private LoopbackPair(Socket client, Socket server)
    {
        Client = client;
        Server = server;
    }

    public Socket Client { get; }
    public Socket Server { get; }

    public static async Task<LoopbackPair> CreateAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        return new LoopbackPair(client, await accept);
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}

/// <summary>An in-memory edge register; <see cref="Set"/> and <see cref="Remove"/> tell subscribers, as the store does.</summary>
public sealed class FakeEdgeDirectory(params EdgeCredential[] edges) : IEdgeDirectory
{
    private readonly Dictionary<string, EdgeCredential> _edges = edges.ToDictionary(e => e.Id);
    private readonly ListenerSet<string> _changed = new();

    public ValueTask<EdgeCredential?> FindAsync(string edgeId, CancellationToken ct = default)
    {
        lock (_edges)
        {
            return ValueTask.FromResult(_edges.GetValueOrDefault(edgeId));
        }
    }

    public IDisposable Subscribe(Action<string> changed) => _changed.Add(changed);

    public void Set(EdgeCredential edge)
    {
        lock (_edges)
        {
            _edges[edge.Id] = edge;
        }
        _changed.Notify(edge.Id, ex => throw ex);
    }

    public void Remove(string edgeId)
    {
        lock (_edges)
        {
            _edges.Remove(edgeId);
        }
        _changed.Notify(edgeId, ex => throw ex);
    }
}

/// <summary>Passes reads through and hands every write to <paramref name="onWrite"/>, which may record or alter it.</summary>
public sealed class InterceptingStream(Stream inner, Func<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>> onWrite) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(onWrite(buffer.AsMemory(offset, count)).Span);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(onWrite(buffer), cancellationToken);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
