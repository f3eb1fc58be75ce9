using Appliance.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Appliance.Data.EntityConfigurations;

internal sealed class HubEdgeEntityConfiguration : IEntityTypeConfiguration<HubEdgeEntity>
{
    public void Configure(EntityTypeBuilder<HubEdgeEntity> builder)
    {
        builder.ToTable("HubEdges");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).HasMaxLength(63).ValueGeneratedNever();
        builder.Property(e => e.Key).HasMaxLength(256);
        builder.Property(e => e.Description).HasMaxLength(200);
    }
}
