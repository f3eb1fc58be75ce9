using Appliance.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Appliance.Data;

/// <summary>The appliance's SQLite database: pending configuration, revisions, audit trail, the hub's edges, users, API tokens and the link history.</summary>
public sealed class ApplianceDbContext(DbContextOptions<ApplianceDbContext> options) : DbContext(options)
{
    public DbSet<WanEntity> Wans => Set<WanEntity>();
    public DbSet<RuleEntity> Rules => Set<RuleEntity>();
    public DbSet<SettingsEntity> Settings => Set<SettingsEntity>();
    public DbSet<PortsEntity> Ports => Set<PortsEntity>();
    public DbSet<RevisionEntity> Revisions => Set<RevisionEntity>();
    public DbSet<AuditEntryEntity> AuditEntries => Set<AuditEntryEntity>();
    public DbSet<HealthEventEntity> HealthEvents => Set<HealthEventEntity>();
    public DbSet<HubEdgeEntity> HubEdges => Set<HubEdgeEntity>();
    public DbSet<UserEntity> Users => Set<UserEntity>();
    public DbSet<ApiTokenEntity> ApiTokens => Set<ApiTokenEntity>();
    public DbSet<LinkSampleEntity> LinkSamples => Set<LinkSampleEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ApplianceDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset; Unix milliseconds sort and compare natively.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUnixMillisConverter>();
    }

    private sealed class DateTimeOffsetToUnixMillisConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));
}
