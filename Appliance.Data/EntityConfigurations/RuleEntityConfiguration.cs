using Appliance.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Appliance.Data.EntityConfigurations;

internal sealed class RuleEntityConfiguration : IEntityTypeConfiguration<RuleEntity>
{
    public void Configure(EntityTypeBuilder<RuleEntity> builder)
    {
        builder.ToTable("Rules");
        builder.HasIndex(r => r.Position);
        builder.Property(r => r.Rule).HasConfigJson();
        builder.Property(r => r.Version).IsConcurrencyToken();
    }
}
