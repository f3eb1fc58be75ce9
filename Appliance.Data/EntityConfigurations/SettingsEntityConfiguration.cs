using Appliance.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Appliance.Data.EntityConfigurations;

internal sealed class SettingsEntityConfiguration : IEntityTypeConfiguration<SettingsEntity>
{
    public void Configure(EntityTypeBuilder<SettingsEntity> builder)
    {
        builder.ToTable("Settings");
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Settings).HasConfigJson();
        builder.Property(s => s.Ports).HasConfigJson();
        builder.Property(s => s.Version).IsConcurrencyToken();
    }
}
