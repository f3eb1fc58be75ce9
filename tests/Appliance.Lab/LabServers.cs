using Appliance.Engine.Kernel;
using System.Net;
using Appliance.Testing;

namespace Appliance.Lab;

/// <summary>The servers on the lab's internet (203.0.113.10). Each counts sessions by source address, i.e. by the WAN they took.</summary>
public sealed class LabServers : IDisposable
{
    public const int BulkBytes = 8 * 1024 * 1024;

    public LabServers(NamespaceThread inet)
    {
        Web = new CountingTcpServer(inet, new IPEndPoint(LabAddresses.Server, 8080));
        Pinned = new CountingTcpServer(inet, new IPEndPoint(LabAddresses.Server, 8443));
        Udp = new CountingUdpServer(inet, new IPEndPoint(LabAddresses.Server, 5353));
        Bulk = new BulkTcpServer(inet, new IPEndPoint(LabAddresses.Server, 9000), BulkBytes);
    }

    /// <summary>Short TCP sessions, balanced.</summary>
    public CountingTcpServer Web { get; }
    /// <summary>TCP port 8443, which the seeded rule pins to <c>cable</c>.</summary>
    public CountingTcpServer Pinned { get; }
    public CountingUdpServer Udp { get; }
    public BulkTcpServer Bulk { get; }

    public int TcpFrom(IPAddress source) => Web.CountFrom(source) + Pinned.CountFrom(source) + Bulk.CountFrom(source);
    public int UdpFrom(IPAddress source) => Udp.CountFrom(source);

    public void Dispose()
    {
        Web.Dispose();
        Pinned.Dispose();
        Udp.Dispose();
        Bulk.Dispose();
    }
}
