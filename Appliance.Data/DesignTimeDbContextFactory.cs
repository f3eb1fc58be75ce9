using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Appliance.Data;

/// <summary>Lets the EF tools create migrations without starting the web host.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ApplianceDbContext>
{
    public ApplianceDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ApplianceDbContext>().UseSqlite("Data Source=design.db").Options);
}
