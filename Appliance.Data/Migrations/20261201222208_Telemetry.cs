using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Appliance.Data.Migrations
{
    /// <inheritdoc />
    public partial class Telemetry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "LinkSamples",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Wan = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Seconds = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RttMs = table.Column<double>(type: "REAL", nullable: true),
                    JitterMs = table.Column<double>(type: "REAL", nullable: true),
                    LossPercent = table.Column<double>(type: "REAL", nullable: true),
                    RxBitsPerSecond = table.Column<long>(type: "INTEGER", nullable: false),
                    TxBitsPerSecond = table.Column<long>(type: "INTEGER", nullable: false),
                    Sessions = table.Column<long>(type: "INTEGER", nullable: true),
                    Subflows = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LinkSamples", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_LinkSamples_Seconds_At",
                table: "LinkSamples",
                columns: new[] { "Seconds", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LinkSamples");
        }
    }
}
