using Appliance.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Appliance.Data.EntityConfigurations;

internal sealed class RevisionEntityConfiguration : IEntityTypeConfiguration<RevisionEntity>
{
    public void Configure(EntityTypeBuilder<RevisionEntity> builder)
    {
        builder.ToTable("Revisions");
        builder.Property(r => r.Status).HasConversion<string>();
        builder.Property(r => r.Author).HasMaxLength(100);
        builder.Property(r => r.Comment).HasMaxLength(500);
        builder.HasIndex(r => r.Status);
    }
}
