using Appliance.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Appliance.Data.EntityConfigurations;

internal sealed class WanEntityConfiguration : IEntityTypeConfiguration<WanEntity>
{
    public void Configure(EntityTypeBuilder<WanEntity> builder)
    {
        builder.ToTable("Wans");
        builder.HasIndex(w => w.Name).IsUnique();
        builder.Property(w => w.Name).HasMaxLength(32);
        builder.Property(w => w.Wan).HasConfigJson();
        builder.Property(w => w.Version).IsConcurrencyToken();
    }
}
