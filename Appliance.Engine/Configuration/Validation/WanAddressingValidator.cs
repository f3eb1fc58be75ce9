using System.Net.Sockets;

namespace Appliance.Engine.Configuration.Validation;

/// <summary>Checks each WAN's addressing against its gateway: DHCP and PPPoE learn it, static names it.</summary>
public sealed class WanAddressingValidator : IConfigValidator
{
    /// <summary>resolv.conf and dnsmasq both use only the first few; more are a mistake.</summary>
    public const int MaxDnsServers = 4;
    public const int MinMtu = 576;
    public const int MaxMtu = 1500;

    public void Validate(ApplianceConfig config, ValidationPurpose purpose, ValidationErrors errors)
    {
        for (var i = 0; i < config.Wans.Count; i++)
        {
            var wan = config.Wans[i];
            if (wan.Addressing is { } addressing)
            {
                Check(wan, addressing, $"wans[{i}]", errors);
            }
        }
    }

    private static void Check(WanLink wan, WanAddressing addressing, string at, ValidationErrors errors)
    {
        var path = $"{at}.addressing";
        switch (addressing.Mode)
        {
            case AddressingMode.Dhcp or AddressingMode.Pppoe when wan.Gateway != WanLink.DhcpGateway:
                errors.Add($"{at}.gateway", $"must be 'dhcp' with {ConfigJson.EnumValue(addressing.Mode)} addressing: the gateway is learned from the ISP");
                break;
            case AddressingMode.Static when wan.Gateway == WanLink.DhcpGateway:
                errors.Add($"{at}.gateway", "static addressing needs the gateway's IP address");
                break;
            case not (AddressingMode.Dhcp or AddressingMode.Static or AddressingMode.Pppoe):
                errors.Add($"{path}.mode", "must be dhcp, static or pppoe");
                return;
        }
        if (addressing.Mode != AddressingMode.Static && addressing.Address is not null)
        {
            errors.Add($"{path}.address", "only static addressing sets an address; leave it out");
        }
        if (addressing.Mode == AddressingMode.Static && addressing.Address is not null)
        {
            CheckStaticAddress(addressing.Address, wan.Gateway, $"{path}.address", errors);
        }
        if (addressing.Mode != AddressingMode.Pppoe && addressing.Pppoe is not null)
        {
            errors.Add($"{path}.pppoe", "only pppoe addressing has PPPoE settings; leave them out");
        }
        if (addressing.Mode == AddressingMode.Pppoe)
        {
            CheckPppoe(addressing.Pppoe, $"{path}.pppoe", errors);
        }
        if (addressing.DnsServers is null)
        {
            errors.Add($"{path}.dnsServers", "is required");
            return;
        }
        if (addressing.DnsServers.Count > MaxDnsServers)
        {
            errors.Add($"{path}.dnsServers", $"may list at most {MaxDnsServers} servers");
        }
        for (var d = 0; d < addressing.DnsServers.Count; d++)
        {
            if (!FieldRules.TryParseHostAddress(addressing.DnsServers[d], out _))
            {
                errors.Add($"{path}.dnsServers[{d}]", $"'{FieldRules.Shown(addressing.DnsServers[d])}' is not a unicast IP address");
            }
        }
    }

    private static void CheckStaticAddress(string address, string? gatewayText, string path, ValidationErrors errors)
    {
        if (!FieldRules.TryParseInterfaceAddress(address, out var ip, out var prefix))
        {
            errors.Add(path, $"'{FieldRules.Shown(address)}' is not an interface address such as 198.51.100.2/24");
            return;
        }
        if (!FieldRules.TryParseHostAddress(gatewayText, out var gateway))
        {
            return; // the gateway's own error says it
        }
        if (gateway.AddressFamily != ip.AddressFamily)
        {
            errors.Add(path, "must be of the same address family as the gateway");
        }
        else if (!System.Net.IPNetwork.TryParse($"{ip}/{prefix}", out var network) || !network.Contains(gateway))
        {
            errors.Add(path, $"the gateway {gateway} lies outside {FieldRules.Shown(address)}'s subnet");
        }
        else if (gateway.Equals(ip))
        {
            errors.Add(path, "must not be the gateway's own address");
        }
        else if (ip.AddressFamily == AddressFamily.InterNetwork && new Ipv4Subnet(ip, prefix) is var subnet &&
                 subnet.IsReserved(Ipv4Subnet.ToUInt(ip)))
        {
            errors.Add(path, $"is the network or broadcast address of {subnet}");
        }
    }

    private static void CheckPppoe(PppoeSettings? pppoe, string path, ValidationErrors errors)
    {
        if (pppoe is null)
        {
            errors.Add(path, "is required with pppoe addressing (username and password)");
            return;
        }
        if (string.IsNullOrEmpty(pppoe.Username))
        {
            errors.Add($"{path}.username", "is required");
        }
        else if (!ServiceFieldRules.IsPppoeUsername(pppoe.Username))
        {
            errors.Add($"{path}.username", $"must be 1 to {ServiceFieldRules.MaxUsernameLength} printable ASCII characters without spaces, quotes or backslashes");
        }
        // The message never quotes the password.
        if (string.IsNullOrEmpty(pppoe.Password))
        {
            errors.Add($"{path}.password", "is required");
        }
        else if (!ServiceFieldRules.IsPppoePassword(pppoe.Password))
        {
            errors.Add($"{path}.password", $"must be 1 to {ServiceFieldRules.MaxPasswordLength} printable ASCII characters without quotes or backslashes");
        }
        if (pppoe.ServiceName is not null && !ServiceFieldRules.IsServiceName(pppoe.ServiceName))
        {
            errors.Add($"{path}.serviceName", $"must be 1 to {ServiceFieldRules.MaxServiceNameLength} letters, digits or . _ @ + / : -");
        }
        if (pppoe.Mtu is < MinMtu or > MaxMtu)
        {
            errors.Add($"{path}.mtu", $"must be between {MinMtu} and {MaxMtu}");
        }
    }
}
