using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Appliance.Data.Migrations
{
    /// <inheritdoc />
    public partial class EdgeAllowedDestinations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AllowedDestinations",
                table: "HubEdges",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            // 1,024 was the old default and too few for an office (50 people's browsers hold about 1,500 sessions).
            migrationBuilder.Sql("UPDATE HubEdges SET MaxSessions = 16384 WHERE MaxSessions = 1024;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AllowedDestinations",
                table: "HubEdges");
        }
    }
}
