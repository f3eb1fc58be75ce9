using Appliance.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Appliance.Data.EntityConfigurations;

internal sealed class HealthEventEntityConfiguration : IEntityTypeConfiguration<HealthEventEntity>
{
    public void Configure(EntityTypeBuilder<HealthEventEntity> builder)
    {
        builder.ToTable("HealthEvents");
        builder.HasIndex(e => new { e.Wan, e.Id });
        builder.Property(e => e.Wan).HasMaxLength(32);
        builder.Property(e => e.Reason).HasMaxLength(500);
    }
}
