using System.Net.Sockets;

namespace Appliance.Engine.Kernel;

/// <summary>Creates sockets in the network namespace the engine manages.</summary>
public interface ISocketFactory
{
    Socket Create(AddressFamily family, SocketType type, ProtocolType protocol);

    /// <summary>Runs socket-creating code (e.g. raw libc calls) in the namespace.</summary>
    T Invoke<T>(Func<T> create) => create();
}

/// <summary>Sockets in the process's own namespace (production).</summary>
public sealed class LocalSocketFactory : ISocketFactory
{
    public Socket Create(AddressFamily family, SocketType type, ProtocolType protocol) => new(family, type, protocol);
}

/// <summary>Sockets in a named namespace (the lab and the integration tests), created on a thread that entered it.</summary>
public sealed class NamespaceSocketFactory(string ns) : ISocketFactory, IDisposable
{
    private readonly Lazy<NamespaceThread> _thread = new(() => new NamespaceThread(ns));

    public Socket Create(AddressFamily family, SocketType type, ProtocolType protocol) =>
        _thread.Value.Invoke(() => new Socket(family, type, protocol));

    public T Invoke<T>(Func<T> create) => _thread.Value.Invoke(create);

    public void Dispose()
    {
        if (_thread.IsValueCreated)
        {
            _thread.Value.Dispose();
        }
    }
}
