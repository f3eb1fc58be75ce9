using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Appliance.Data.Migrations
{
    /// <inheritdoc />
    public partial class AccountsHardening : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Count",
                table: "AuditEntries",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<long>(
                name: "LastAt",
                table: "AuditEntries",
                type: "INTEGER",
                nullable: true);

            // Token names become unique per creator among tokens not revoked. Older duplicates keep working under a
            // name made unique with their id; the newest keeps the name.
            migrationBuilder.Sql("""
                UPDATE "ApiTokens" SET "Name" = substr("Name", 1, 64 - length(' #' || "Id")) || ' #' || "Id"
                WHERE "RevokedAt" IS NULL AND EXISTS (
                    SELECT 1 FROM "ApiTokens" AS newer
                    WHERE newer."CreatedBy" = "ApiTokens"."CreatedBy" AND newer."Name" = "ApiTokens"."Name"
                      AND newer."RevokedAt" IS NULL AND newer."Id" > "ApiTokens"."Id");
                """);

            migrationBuilder.CreateIndex(
                name: "IX_ApiTokens_CreatedBy_Name",
                table: "ApiTokens",
                columns: new[] { "CreatedBy", "Name" },
                unique: true,
                filter: "\"RevokedAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ApiTokens_CreatedBy_Name",
                table: "ApiTokens");

            migrationBuilder.DropColumn(
                name: "Count",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "LastAt",
                table: "AuditEntries");
        }
    }
}
