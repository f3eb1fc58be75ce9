using Appliance.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Appliance.Data.EntityConfigurations;

internal sealed class ApiTokenEntityConfiguration : IEntityTypeConfiguration<ApiTokenEntity>
{
    public void Configure(EntityTypeBuilder<ApiTokenEntity> builder)
    {
        builder.ToTable("ApiTokens");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Name).HasMaxLength(64);
        builder.Property(t => t.Hash).HasMaxLength(64);
        builder.HasIndex(t => t.Hash).IsUnique();
        // A creator's tokens that still count (not revoked) have different names; a revoked name may be used again.
        builder.HasIndex(t => new { t.CreatedBy, t.Name }).IsUnique().HasFilter("\"RevokedAt\" IS NULL");
        builder.Property(t => t.Prefix).HasMaxLength(16);
        builder.Property(t => t.CreatedBy).HasMaxLength(80);
        builder.Property(t => t.LastUsedFrom).HasMaxLength(64);
        builder.Property(t => t.Role).HasConversion<string>().HasMaxLength(16);
    }
}
