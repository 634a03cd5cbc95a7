using FluentMigrator;

namespace Sightline.Library.Storage.Migrations;

/// <summary>
/// Source folders, the files seen under them, media items (one per content hash) with the metadata columns that
/// sorting and filtering need, their analyses and the library's settings. Written once for SQLite and PostgreSQL:
/// times are Unix milliseconds (bigint) so both engines sort and compare them the same way.
/// </summary>
[Migration(1, "folders, files, media items, analyses, settings")]
public sealed class M0001_Library : Migration
{
    public override void Up()
    {
        Create.Table("folders")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("path").AsString().NotNullable()
            .WithColumn("added_at").AsInt64().NotNullable()
            .WithColumn("scanned_at").AsInt64().Nullable();
        // Unique indexes rather than column constraints: on SQLite a named column constraint adds a second, identical index.
        Create.Index("ux_folders_path").OnTable("folders").OnColumn("path").Unique();

        Create.Table("media")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("content_hash").AsString().NotNullable()
            .WithColumn("kind").AsInt32().NotNullable()
            .WithColumn("format").AsString().NotNullable()
            .WithColumn("size").AsInt64().NotNullable()
            .WithColumn("width").AsInt32().Nullable()
            .WithColumn("height").AsInt32().Nullable()
            // The camera's clock reading (as if it were UTC), its offset when known, and the key photos sort by:
            // the instant when the offset is known, the clock reading otherwise.
            .WithColumn("taken_local").AsInt64().Nullable()
            .WithColumn("taken_offset_minutes").AsInt32().Nullable()
            .WithColumn("taken_sort").AsInt64().Nullable()
            .WithColumn("camera_make").AsString().Nullable()
            .WithColumn("camera_model").AsString().Nullable()
            .WithColumn("latitude").AsDouble().Nullable()
            .WithColumn("longitude").AsDouble().Nullable()
            .WithColumn("rating").AsInt32().Nullable()
            .WithColumn("metadata_json").AsString().NotNullable()
            .WithColumn("added_at").AsInt64().NotNullable()
            .WithColumn("updated_at").AsInt64().NotNullable()
            .WithColumn("thumbnails").AsBoolean().NotNullable();

        Create.Index("ux_media_content_hash").OnTable("media").OnColumn("content_hash").Unique();
        // Keyset paging: (sort key, id) and (added, id) are walked in either direction.
        Create.Index("ix_media_taken").OnTable("media").OnColumn("taken_sort").Ascending().OnColumn("id").Ascending();
        Create.Index("ix_media_added").OnTable("media").OnColumn("added_at").Ascending().OnColumn("id").Ascending();

        Create.Table("files")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("path").AsString().NotNullable()
            .WithColumn("folder_id").AsInt64().NotNullable().ForeignKey("fk_files_folder", "folders", "id")
            .WithColumn("kind").AsInt32().NotNullable()
            .WithColumn("size").AsInt64().NotNullable()
            .WithColumn("modified_at").AsInt64().NotNullable()
            .WithColumn("content_hash").AsString().Nullable()
            .WithColumn("media_id").AsInt64().Nullable().ForeignKey("fk_files_media", "media", "id")
            .WithColumn("reason").AsString().Nullable()
            .WithColumn("seen_at").AsInt64().NotNullable();

        Create.Index("ux_files_path").OnTable("files").OnColumn("path").Unique();
        Create.Index("ix_files_folder").OnTable("files").OnColumn("folder_id");
        // Paths of an item, offline items, duplicate counts and the "has a path" test of outdated analyses.
        Create.Index("ix_files_media").OnTable("files").OnColumn("media_id");
        // Failures newest first and the per-kind counts.
        Create.Index("ix_files_kind_seen").OnTable("files").OnColumn("kind").Ascending().OnColumn("seen_at").Ascending();

        Create.Table("analyses")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("media_id").AsInt64().NotNullable().ForeignKey("fk_analyses_media", "media", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("task").AsString().NotNullable()
            .WithColumn("version").AsString().NotNullable()
            .WithColumn("json").AsString().NotNullable()
            .WithColumn("at").AsInt64().NotNullable();
        // One analysis per task and item; also the lookup of outdated analyses.
        Create.Index("ux_analyses_media_task").OnTable("analyses").OnColumn("media_id").Ascending().OnColumn("task").Ascending().WithOptions().Unique();

        Create.Table("settings")
            .WithColumn("key").AsString().NotNullable().PrimaryKey()
            .WithColumn("json").AsString().NotNullable();
    }

    public override void Down()
    {
        Delete.Table("settings");
        Delete.Table("analyses");
        Delete.Table("files");
        Delete.Table("media");
        Delete.Table("folders");
    }
}
