using System.Net.Sockets;
using Appliance.Engine.Kernel;

namespace Appliance.Engine.Tests.Fakes;

/// <summary>A socket factory for unit tests that must not open real sockets (the netlink watcher retries without them).</summary>
internal sealed class NoSockets : ISocketFactory
{
    public Socket Create(AddressFamily family, SocketType type, ProtocolType protocol) => throw new NotSupportedException("no sockets in unit tests");

    public T Invoke<T>(Func<T> create) => throw new NotSupportedException("no sockets in unit tests");
}
