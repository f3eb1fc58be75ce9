namespace Appliance.Engine.Configuration;

/// <summary>How a WAN carries traffic.</summary>
public enum WanMode { Balance, Bond, Backup }

/// <summary>How a health probe talks to its target.</summary>
public enum ProbeMethod { Icmp, Tcp, Dns, Http }

/// <summary>What happens to sessions on a backup link when a better link recovers.</summary>
public enum FailbackPolicy { Keep, Move }

/// <summary>Transport protocol a rule matches.</summary>
public enum RuleProtocol { Any, Tcp, Udp, Icmp }

/// <summary>What a rule does with the sessions it matches.</summary>
public enum RuleAction { Balance, Pin, Bond }

/// <summary>Whether a balanced session's WAN is chosen at random by weight or by a hash of its addresses.</summary>
public enum StickyMode { None, Source, SourceDestination }

/// <summary>Edge sits at a site with several uplinks; hub aggregates bonded edges.</summary>
public enum ApplianceRole { Edge, Hub }
