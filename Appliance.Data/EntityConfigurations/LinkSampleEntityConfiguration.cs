using Appliance.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Appliance.Data.EntityConfigurations;

internal sealed class LinkSampleEntityConfiguration : IEntityTypeConfiguration<LinkSampleEntity>
{
    public void Configure(EntityTypeBuilder<LinkSampleEntity> builder)
    {
        builder.ToTable("LinkSamples");
        // Pruning deletes by resolution and age; loading reads a resolution in time order.
        builder.HasIndex(e => new { e.Seconds, e.At });
        builder.Property(e => e.Wan).HasMaxLength(32);
        builder.Property(e => e.State).HasMaxLength(16);
    }
}
