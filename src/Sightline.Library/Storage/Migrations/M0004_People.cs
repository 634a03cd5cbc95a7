using FluentMigrator;

namespace Sightline.Library.Storage.Migrations;

/// <summary>
/// People: stable rows the user names, hides, merges and splits; each face's person, whether the user placed it there
/// (pinned), the neighbour-graph component it was last clustered in (null: new to clustering) and why it is too poor
/// to identify; the (face, person) pairs the user rejected. The clustering state (descriptor model and cut of the last
/// full pass) is a row of the settings table.
/// </summary>
[Migration(4, "people, face placement, rejections")]
public sealed class M0004_People : Migration
{
    public override void Up()
    {
        Create.Table("people")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("name").AsString().Nullable()
            .WithColumn("hidden").AsBoolean().NotNullable().WithDefaultValue(false)
            .WithColumn("cover_face_id").AsInt64().Nullable().ForeignKey("fk_people_cover", "faces", "id").OnDelete(System.Data.Rule.SetNull)
            // Some user decision was made about this person: never deleted by clustering, never claimed by another cluster.
            .WithColumn("confirmed").AsBoolean().NotNullable().WithDefaultValue(false)
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("updated_at").AsInt64().NotNullable();

        // One statement both engines take: SQLite adds a column with a foreign key only this way (no ALTER of constraints).
        Execute.Sql("ALTER TABLE faces ADD COLUMN person_id BIGINT NULL REFERENCES people (id) ON DELETE SET NULL");
        Alter.Table("faces")
            .AddColumn("pinned").AsBoolean().NotNullable().WithDefaultValue(false)
            .AddColumn("component").AsInt64().Nullable()
            .AddColumn("too_poor").AsString().Nullable();
        Create.Index("ix_faces_person").OnTable("faces").OnColumn("person_id");
        Create.Index("ix_faces_component").OnTable("faces").OnColumn("component");

        Create.Table("face_rejections")
            .WithColumn("face_id").AsInt64().NotNullable().PrimaryKey("pk_face_rejections")
                .ForeignKey("fk_face_rejections_face", "faces", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("person_id").AsInt64().NotNullable().PrimaryKey("pk_face_rejections")
                .ForeignKey("fk_face_rejections_person", "people", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("at").AsInt64().NotNullable();
        Create.Index("ix_face_rejections_person").OnTable("face_rejections").OnColumn("person_id");
    }

    public override void Down()
    {
        Delete.Table("face_rejections");
        Delete.Index("ix_faces_component").OnTable("faces");
        Delete.Index("ix_faces_person").OnTable("faces");
        Delete.Column("too_poor").FromTable("faces");
        Delete.Column("component").FromTable("faces");
        Delete.Column("pinned").FromTable("faces");
        Delete.Column("person_id").FromTable("faces");
        Delete.Table("people");
    }
}
