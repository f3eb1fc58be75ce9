using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Appliance.Engine.Configuration.Validation;

/// <summary>
/// Syntax of the values that end up in the configuration files of dnsmasq and pppd: MAC addresses, host names,
/// PPPoE credentials. Each pattern is anchored with <c>\z</c> and leaves out whitespace, quotes and backslashes, so a
/// value can never end a quoted string or a line of those files early.
/// </summary>
public static partial class ServiceFieldRules
{
    public const int MaxUsernameLength = 64;
    public const int MaxPasswordLength = 128;
    public const int MaxServiceNameLength = 64;

    [GeneratedRegex(@"^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}\z")]
    private static partial Regex MacPattern();

    // One DNS label: what a static lease's name may be (dnsmasq answers it as name.domain).
    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\z")]
    private static partial Regex LabelPattern();

    // Printable ASCII but space, quotes and backslash: an ISP login such as 0001234#0001@t-online.de or user/realm.
    [GeneratedRegex(@"^[A-Za-z0-9!#$%&()*+,./:;<=>?@\[\]^_`{|}~-]{1,64}\z")]
    private static partial Regex UsernamePattern();

    // Printable ASCII (space included) but quotes and backslash.
    [GeneratedRegex(@"^[ !#-&(-\[\]-~]{1,128}\z")]
    private static partial Regex PasswordPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._@+/:-]{1,64}\z")]
    private static partial Regex ServiceNamePattern();

    /// <summary>A unicast MAC address written xx:xx:xx:xx:xx:xx (either case).</summary>
    public static bool IsUnicastMac(string? value) =>
        value is not null && MacPattern().IsMatch(value) && (Convert.ToByte(value[..2], 16) & 1) == 0;

    public static bool IsHostLabel(string? value) => value is not null && LabelPattern().IsMatch(value);

    public static bool IsPppoeUsername(string? value) => value is not null && UsernamePattern().IsMatch(value);

    public static bool IsPppoePassword(string? value) => value is not null && PasswordPattern().IsMatch(value);

    public static bool IsServiceName(string? value) => value is not null && ServiceNamePattern().IsMatch(value);

    /// <summary>The IPv4 network of an interface address (198.18.0.1/24 → 198.18.0.0/24).</summary>
    public static bool TryParseIpv4Subnet(string? interfaceAddress, out IPAddress address, out Ipv4Subnet subnet)
    {
        subnet = default;
        if (!FieldRules.TryParseInterfaceAddress(interfaceAddress, out address, out var prefix) || address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }
        subnet = new Ipv4Subnet(address, prefix);
        return true;
    }
}

/// <summary>An IPv4 subnet with its network and broadcast address, for checks on DHCP ranges and static leases.</summary>
public readonly record struct Ipv4Subnet
{
    public Ipv4Subnet(IPAddress address, int prefixLength)
    {
        PrefixLength = prefixLength;
        var mask = prefixLength == 0 ? 0u : uint.MaxValue << (32 - prefixLength);
        Network = ToUInt(address) & mask;
        Broadcast = Network | ~mask;
    }

    public int PrefixLength { get; }
    public uint Network { get; }
    public uint Broadcast { get; }

    /// <summary>/31 and /32 have no network or broadcast address to keep free (RFC 3021).</summary>
    public bool HasBroadcast => PrefixLength <= 30;

    public override string ToString() => $"{FromUInt(Network)}/{PrefixLength}";

    public bool Contains(uint address) => address >= Network && address <= Broadcast;

    /// <summary>The subnet's own network or broadcast address, which no host may take.</summary>
    public bool IsReserved(uint address) => HasBroadcast && (address == Network || address == Broadcast);

    public static uint ToUInt(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return (uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3];
    }

    public static IPAddress FromUInt(uint value) =>
        new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
}
