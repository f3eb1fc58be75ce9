using System.Globalization;
using System.Net;

namespace Appliance.Testing;

/// <summary>One uplink of the lab: an ISP router namespace between the appliance and the internet.</summary>
/// <param name="RateMbit">TBF rate in both directions, or null for unshaped.</param>
public sealed record LabWan(int Index, double? RateMbit = null)
{
    public string Interface => $"wan{Index}";
    /// <summary>The appliance's address on this WAN; the internet sees sessions of this WAN coming from it.</summary>
    public IPAddress ApplianceAddress => IPAddress.Parse($"198.18.{10 + Index}.2");
    public IPAddress Gateway => IPAddress.Parse($"198.18.{10 + Index}.1");
    public string Subnet => $"198.18.{10 + Index}.0/24";
}

/// <summary>Addresses of the lab. All come from 198.18.0.0/15 and the documentation ranges.</summary>
public static class LabAddresses
{
    public const string LanSubnet = "198.18.0.0/24";
    public const string ApplianceLan = "198.18.0.1";
    public const string Client = "198.18.0.2";
    /// <summary>Extra client addresses 198.18.0.10 … for tests that need many sources.</summary>
    public static IPAddress ExtraClient(int i) => IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"198.18.0.{10 + i}"));
    public static readonly IPAddress Server = IPAddress.Parse("203.0.113.10");
    /// <summary>The bonding hub, in its own namespace behind the internet.</summary>
    public static readonly IPAddress Hub = IPAddress.Parse("203.0.113.20");
    /// <summary>The internet's side of the hub's link, its default gateway.</summary>
    public const string HubGateway = "198.19.250.1";
    /// <summary>The hub's side of its link to the internet.</summary>
    public const string HubUplink = "198.19.250.2";
    public static string IspUplink(int index) => $"198.19.{index}.1";
    public static string InetSide(int index) => $"198.19.{index}.2";
}
