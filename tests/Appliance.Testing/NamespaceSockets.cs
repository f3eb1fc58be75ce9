using Appliance.Engine.Kernel;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Testing;

/// <summary>Server sockets made inside a namespace: a socket belongs to the namespace of the thread that creates it.</summary>
public static class NamespaceSockets
{
    /// <summary>A TCP listener on <paramref name="endpoint"/>; address reuse so a rerun does not wait out TIME_WAIT.</summary>
    public static Socket ListenTcp(this NamespaceThread ns, IPEndPoint endpoint, int backlog) => ns.Invoke(() =>
    {
        var s = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        s.Bind(endpoint);
        s.Listen(backlog);
        return s;
    });

    /// <summary>A UDP socket bound to its service address, so replies leave from it.</summary>
    public static Socket BindUdp(this NamespaceThread ns, IPEndPoint endpoint) => ns.Invoke(() =>
    {
        var s = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(endpoint);
        return s;
    });
}
