namespace Appliance.Engine.Configuration.Validation;

/// <summary>
/// Checks the LAN's DHCP server: it needs a LAN (lan ports or LAN interfaces) with an IPv4 address, and its range and
/// static leases lie in that address's subnet, clear of the subnet's own addresses and the appliance's.
/// </summary>
public sealed class LanDhcpValidator : IConfigValidator
{
    private const string At = "settings.lan.dhcp";

    public void Validate(ApplianceConfig config, ValidationPurpose purpose, ValidationErrors errors)
    {
        if (config.Settings?.Lan is not { } lan)
        {
            return;
        }
        if (lan.Dhcp is not { } dhcp)
        {
            errors.Add(At, "is required");
            return;
        }
        if (dhcp.LeaseTimeSeconds is < LanDhcpSettings.MinLeaseTimeSeconds or > LanDhcpSettings.MaxLeaseTimeSeconds)
        {
            errors.Add($"{At}.leaseTimeSeconds", $"must be between {LanDhcpSettings.MinLeaseTimeSeconds} and {LanDhcpSettings.MaxLeaseTimeSeconds}");
        }
        // The subnet of the first IPv4 address: where the range and the static leases must lie.
        var own = new HashSet<uint>();
        Ipv4Subnet? subnet = null;
        foreach (var address in lan.Addresses ?? [])
        {
            if (ServiceFieldRules.TryParseIpv4Subnet(address, out var ip, out var s))
            {
                own.Add(Ipv4Subnet.ToUInt(ip));
                subnet ??= s;
            }
        }
        if (dhcp.Enabled)
        {
            var hasLan = config.Ports.Any(p => p?.Role == PortRole.Lan) || (lan.Interfaces ?? []).Count > 0;
            if (!hasLan)
            {
                errors.Add($"{At}.enabled", "the DHCP server needs a LAN: give a port the lan role or list settings.lan.interfaces");
            }
            // A LAN address that does not parse has its own error; saying the server lacks one too would be noise.
            if (subnet is null && (lan.Addresses ?? []).All(a => FieldRules.TryParseInterfaceAddress(a, out _, out _)))
            {
                errors.Add($"{At}.enabled", "the DHCP server needs an IPv4 address in settings.lan.addresses");
            }
            else if (subnet is { HasBroadcast: false } tiny)
            {
                errors.Add($"{At}.enabled", $"the LAN's subnet {tiny} has no room for clients");
            }
        }
        var start = CheckRangeEnd(dhcp.RangeStart, "rangeStart", dhcp.Enabled, subnet, errors);
        var end = CheckRangeEnd(dhcp.RangeEnd, "rangeEnd", dhcp.Enabled, subnet, errors);
        if (start is { } first && end is { } last)
        {
            if (first > last)
            {
                errors.Add($"{At}.rangeEnd", "must not come before rangeStart");
            }
            else if (own.FirstOrDefault(a => a >= first && a <= last) is var mine && mine != 0)
            {
                errors.Add($"{At}.rangeStart", $"the range holds the appliance's own address {Ipv4Subnet.FromUInt(mine)}");
            }
        }
        CheckStaticLeases(dhcp.StaticLeases, subnet, own, errors);
    }

    /// <returns>The address when it is a valid one in the subnet, for the checks of the range as a whole.</returns>
    private static uint? CheckRangeEnd(string? value, string name, bool required, Ipv4Subnet? subnet, ValidationErrors errors)
    {
        var path = $"{At}.{name}";
        if (value is null)
        {
            if (required)
            {
                errors.Add(path, "is required while the DHCP server is enabled");
            }
            return null;
        }
        return CheckHost(value, path, subnet, errors);
    }

    /// <summary>An IPv4 host address in the subnet (when there is one) that is neither its network nor its broadcast address.</summary>
    private static uint? CheckHost(string value, string path, Ipv4Subnet? subnet, ValidationErrors errors)
    {
        if (!FieldRules.TryParseHostAddress(value, out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            errors.Add(path, $"'{FieldRules.Shown(value)}' is not an IPv4 address");
            return null;
        }
        var address = Ipv4Subnet.ToUInt(ip);
        if (subnet is not { } s)
        {
            return address;
        }
        if (!s.Contains(address))
        {
            errors.Add(path, $"{value} lies outside the LAN's subnet {s}");
            return null;
        }
        if (s.IsReserved(address))
        {
            errors.Add(path, $"{value} is the network or broadcast address of {s}");
            return null;
        }
        return address;
    }

    private static void CheckStaticLeases(IReadOnlyList<StaticLease>? leases, Ipv4Subnet? subnet, HashSet<uint> own, ValidationErrors errors)
    {
        var at = $"{At}.staticLeases";
        if (leases is null)
        {
            errors.Add(at, "is required");
            return;
        }
        if (leases.Count > LanDhcpSettings.MaxStaticLeases)
        {
            errors.Add(at, $"may hold at most {LanDhcpSettings.MaxStaticLeases} leases ({leases.Count} given)");
        }
        var macs = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var addresses = new HashSet<uint>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < leases.Count; i++)
        {
            var lease = leases[i];
            var path = $"{at}[{i}]";
            if (lease is null)
            {
                errors.Add(path, "is required");
                continue;
            }
            if (!ServiceFieldRules.IsUnicastMac(lease.Mac))
            {
                errors.Add($"{path}.mac", $"'{FieldRules.Shown(lease.Mac)}' is not a unicast MAC address such as 02:00:5e:10:00:01");
            }
            else if (!macs.Add(lease.Mac))
            {
                errors.Add($"{path}.mac", $"{lease.Mac} has a lease already");
            }
            if (lease.Address is null)
            {
                errors.Add($"{path}.address", "is required");
            }
            else if (CheckHost(lease.Address, $"{path}.address", subnet, errors) is { } address)
            {
                if (own.Contains(address))
                {
                    errors.Add($"{path}.address", $"{lease.Address} is the appliance's own address");
                }
                else if (!addresses.Add(address))
                {
                    errors.Add($"{path}.address", $"{lease.Address} is leased to another device already");
                }
            }
            if (lease.Name is not null)
            {
                if (!ServiceFieldRules.IsHostLabel(lease.Name))
                {
                    errors.Add($"{path}.name", $"'{FieldRules.Shown(lease.Name)}' is not a host name (1-63 letters, digits or '-', no dots)");
                }
                else if (!names.Add(lease.Name))
                {
                    errors.Add($"{path}.name", $"'{lease.Name}' names another lease already");
                }
            }
        }
    }
}
