using FluentMigrator;

namespace Sightline.Library.Storage.Migrations;

/// <summary>The library's local accounts for the photo app's sign-in: name, role and password hash.</summary>
[Migration(9, "accounts")]
public sealed class M0009_Accounts : Migration
{
    public override void Up() =>
        Create.Table("accounts")
            .WithColumn("name").AsString(64).NotNullable().PrimaryKey()
            .WithColumn("role").AsInt32().NotNullable()
            .WithColumn("password_hash").AsString().NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable();

    public override void Down() => Delete.Table("accounts");
}
