namespace Appliance.Web.Components.Config;

/// <summary>The store's message for a field of the edited item (paths as the validators spell them, e.g. <c>probes.intervalMs</c>), or null.</summary>
public delegate string? FieldErrorLookup(string field);
