namespace Appliance.Engine.Configuration.Validation;

/// <summary>Checks the LAN's services: its local domain and DNS forwarder (the DHCP server has <see cref="LanDhcpValidator"/>).</summary>
public sealed class LanValidator : IConfigValidator
{
    public const int MaxDnsServers = 4;

    public void Validate(ApplianceConfig config, ValidationPurpose purpose, ValidationErrors errors)
    {
        // A missing lan section is reported by SettingsValidator.
        if (config.Settings?.Lan is not { } lan)
        {
            return;
        }
        if (string.IsNullOrEmpty(lan.Domain))
        {
            errors.Add("settings.lan.domain", "is required (e.g. lan or home.arpa)");
        }
        else if (!FieldRules.IsHostname(lan.Domain))
        {
            errors.Add("settings.lan.domain", $"'{FieldRules.Shown(lan.Domain)}' is not a DNS name such as lan or home.arpa");
        }
        if (lan.Dns is not { } dns)
        {
            errors.Add("settings.lan.dns", "is required");
            return;
        }
        if (!Enum.IsDefined(dns.Upstreams))
        {
            errors.Add("settings.lan.dns.upstreams", "must be wan or manual");
        }
        if (dns.Servers is null)
        {
            errors.Add("settings.lan.dns.servers", "is required");
            return;
        }
        // Checked in either mode: with upstreams from the WANs they are kept, unused, for a switch back to manual.
        if (dns.Servers.Count > MaxDnsServers)
        {
            errors.Add("settings.lan.dns.servers", $"may list at most {MaxDnsServers} servers");
        }
        for (var i = 0; i < dns.Servers.Count; i++)
        {
            if (!FieldRules.TryParseHostAddress(dns.Servers[i], out _))
            {
                errors.Add($"settings.lan.dns.servers[{i}]", $"'{FieldRules.Shown(dns.Servers[i])}' is not a unicast IP address");
            }
        }
        if (dns.Enabled && dns.Upstreams == DnsUpstreams.Manual && dns.Servers.Count == 0)
        {
            errors.Add("settings.lan.dns.servers", "manual upstreams need at least one server");
        }
        if (dns.Enabled && (lan.Addresses ?? []).Count == 0)
        {
            errors.Add("settings.lan.dns.enabled", "the DNS forwarder answers on the LAN's addresses: add one to settings.lan.addresses");
        }
    }
}
