using Appliance.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Appliance.Data.EntityConfigurations;

internal sealed class PortsEntityConfiguration : IEntityTypeConfiguration<PortsEntity>
{
    public void Configure(EntityTypeBuilder<PortsEntity> builder)
    {
        builder.ToTable("Ports");
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Ports).HasConfigJson();
        builder.Property(p => p.Version).IsConcurrencyToken();
    }
}
