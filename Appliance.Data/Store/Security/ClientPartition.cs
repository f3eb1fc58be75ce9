using System.Net;
using System.Net.Sockets;

namespace Appliance.Data.Store.Security;

/// <summary>
/// Whom a sign-in attempt counts against: an IPv4 address, or a whole IPv6 /64 (one subscriber picks any of its 2^64
/// addresses at will, so a limit per address would be no limit); an IPv4-mapped IPv6 address counts as its IPv4 address.
/// </summary>
public static class ClientPartition
{
    /// <summary>The partition of a request without a remote address (the in-process test server, a Unix socket).</summary>
    public const string Local = "local";

    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return Local;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>The partition of a source as the audit trail records it (an address, or a word such as "local").</summary>
    public static string Of(string source) => IPAddress.TryParse(source, out var address) ? Of(address) : source;
}
