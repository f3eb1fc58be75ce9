namespace Appliance.Web.Tests;

/// <summary>Tests in this collection run while no other test does: load tests whose timings must be their own.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;
