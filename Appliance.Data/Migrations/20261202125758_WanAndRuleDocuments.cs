using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Appliance.Data.Migrations
{
    /// <summary>
    /// A WAN and a rule each become one JSON document in the configuration's own shape (camelCase, enums in kebab-case),
    /// beside the columns that identify and order them. Every stored WAN and rule is carried over into its document.
    /// </summary>
    public partial class WanAndRuleDocuments : Migration
    {
        private static readonly string[] OldWanColumns = ["Interface", "Mode", "Weight", "Tier", "Gateway", "Enabled", "Failback", "Probes"];
        private static readonly string[] OldRuleColumns = ["Description", "Enabled", "Protocol", "Source", "Destination", "DestinationPorts", "Action", "Wan", "Strict", "Sticky"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(name: "Wan", table: "Wans", type: "TEXT", nullable: false, defaultValue: "");
            migrationBuilder.AddColumn<string>(name: "Rule", table: "Rules", type: "TEXT", nullable: false, defaultValue: "");

            // Enum columns held the C# names (Balance, SourceDestination); documents spell them in kebab-case.
            migrationBuilder.Sql("""
                UPDATE "Wans" SET "Wan" = json_object(
                    'name', "Name",
                    'interface', "Interface",
                    'mode', lower("Mode"),
                    'weight', "Weight",
                    'tier', "Tier",
                    'gateway', "Gateway",
                    'enabled', json(CASE WHEN "Enabled" THEN 'true' ELSE 'false' END),
                    'failback', lower("Failback"),
                    'probes', json("Probes"));
                """);
            migrationBuilder.Sql("""
                UPDATE "Rules" SET "Rule" = json_object(
                    'id', "Id",
                    'description', "Description",
                    'enabled', json(CASE WHEN "Enabled" THEN 'true' ELSE 'false' END),
                    'protocol', lower("Protocol"),
                    'source', "Source",
                    'destination', "Destination",
                    'destinationPorts', "DestinationPorts",
                    'action', lower("Action"),
                    'wan', "Wan",
                    'strict', json(CASE WHEN "Strict" THEN 'true' ELSE 'false' END),
                    'sticky', CASE "Sticky" WHEN 'SourceDestination' THEN 'source-destination' ELSE lower("Sticky") END);
                """);

            foreach (var column in OldWanColumns)
            {
                migrationBuilder.DropColumn(name: column, table: "Wans");
            }
            foreach (var column in OldRuleColumns)
            {
                migrationBuilder.DropColumn(name: column, table: "Rules");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(name: "Interface", table: "Wans", type: "TEXT", maxLength: 15, nullable: false, defaultValue: "");
            migrationBuilder.AddColumn<string>(name: "Mode", table: "Wans", type: "TEXT", nullable: false, defaultValue: "");
            migrationBuilder.AddColumn<int>(name: "Weight", table: "Wans", type: "INTEGER", nullable: false, defaultValue: 0);
            migrationBuilder.AddColumn<int>(name: "Tier", table: "Wans", type: "INTEGER", nullable: false, defaultValue: 0);
            migrationBuilder.AddColumn<string>(name: "Gateway", table: "Wans", type: "TEXT", nullable: false, defaultValue: "");
            migrationBuilder.AddColumn<bool>(name: "Enabled", table: "Wans", type: "INTEGER", nullable: false, defaultValue: false);
            migrationBuilder.AddColumn<string>(name: "Failback", table: "Wans", type: "TEXT", nullable: false, defaultValue: "");
            migrationBuilder.AddColumn<string>(name: "Probes", table: "Wans", type: "TEXT", nullable: false, defaultValue: "");

            migrationBuilder.AddColumn<string>(name: "Description", table: "Rules", type: "TEXT", nullable: false, defaultValue: "");
            migrationBuilder.AddColumn<bool>(name: "Enabled", table: "Rules", type: "INTEGER", nullable: false, defaultValue: false);
            migrationBuilder.AddColumn<string>(name: "Protocol", table: "Rules", type: "TEXT", nullable: false, defaultValue: "");
            migrationBuilder.AddColumn<string>(name: "Source", table: "Rules", type: "TEXT", nullable: true);
            migrationBuilder.AddColumn<string>(name: "Destination", table: "Rules", type: "TEXT", nullable: true);
            migrationBuilder.AddColumn<string>(name: "DestinationPorts", table: "Rules", type: "TEXT", nullable: true);
            migrationBuilder.AddColumn<string>(name: "Action", table: "Rules", type: "TEXT", nullable: false, defaultValue: "");
            migrationBuilder.AddColumn<string>(name: "Wan", table: "Rules", type: "TEXT", nullable: true);
            migrationBuilder.AddColumn<bool>(name: "Strict", table: "Rules", type: "INTEGER", nullable: false, defaultValue: false);
            migrationBuilder.AddColumn<string>(name: "Sticky", table: "Rules", type: "TEXT", nullable: false, defaultValue: "");

            // Back to the C# enum names: the first letter up (the only two-word value is spelled out).
            migrationBuilder.Sql("""
                UPDATE "Wans" SET
                    "Interface" = json_extract("Wan", '$.interface'),
                    "Mode" = upper(substr(json_extract("Wan", '$.mode'), 1, 1)) || substr(json_extract("Wan", '$.mode'), 2),
                    "Weight" = json_extract("Wan", '$.weight'),
                    "Tier" = json_extract("Wan", '$.tier'),
                    "Gateway" = json_extract("Wan", '$.gateway'),
                    "Enabled" = json_extract("Wan", '$.enabled'),
                    "Failback" = upper(substr(json_extract("Wan", '$.failback'), 1, 1)) || substr(json_extract("Wan", '$.failback'), 2),
                    "Probes" = json_extract("Wan", '$.probes');
                """);
            migrationBuilder.Sql("""
                UPDATE "Rules" SET
                    "Description" = coalesce(json_extract("Rule", '$.description'), ''),
                    "Enabled" = json_extract("Rule", '$.enabled'),
                    "Protocol" = upper(substr(json_extract("Rule", '$.protocol'), 1, 1)) || substr(json_extract("Rule", '$.protocol'), 2),
                    "Source" = json_extract("Rule", '$.source'),
                    "Destination" = json_extract("Rule", '$.destination'),
                    "DestinationPorts" = json_extract("Rule", '$.destinationPorts'),
                    "Action" = upper(substr(json_extract("Rule", '$.action'), 1, 1)) || substr(json_extract("Rule", '$.action'), 2),
                    "Wan" = json_extract("Rule", '$.wan'),
                    "Strict" = json_extract("Rule", '$.strict'),
                    "Sticky" = CASE json_extract("Rule", '$.sticky') WHEN 'source-destination' THEN 'SourceDestination'
                        ELSE upper(substr(json_extract("Rule", '$.sticky'), 1, 1)) || substr(json_extract("Rule", '$.sticky'), 2) END;
                """);

            migrationBuilder.DropColumn(name: "Wan", table: "Wans");
            migrationBuilder.DropColumn(name: "Rule", table: "Rules");
        }
    }
}
