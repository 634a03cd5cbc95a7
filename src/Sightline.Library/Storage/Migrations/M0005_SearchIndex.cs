using FluentMigrator;

namespace Sightline.Library.Storage.Migrations;

/// <summary>
/// The search index, kept in step with the analyses by every commit: objects per photo and COCO class with their
/// count (from the detect analysis), the words of a photo's text (text read in it, title, description, keywords, file
/// names; lower-cased, accents folded), and on the media row its moderation verdict and camera words. The rows of a
/// library made before this migration are written when it is next opened (see SqlLibraryStore.BackfillSearchIndexAsync).
/// The indexes serve the typical searches at 100,000 photos: one person, person AND emotion, people AND object AND
/// dates, words.
/// </summary>
[Migration(5, "search index: objects, words, moderation, camera")]
public sealed class M0005_SearchIndex : Migration
{
    public override void Up()
    {
        Create.Table("search_objects")
            .WithColumn("media_id").AsInt64().NotNullable().PrimaryKey("pk_search_objects")
                .ForeignKey("fk_search_objects_media", "media", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("label").AsString().NotNullable().PrimaryKey("pk_search_objects")
            .WithColumn("object_count").AsInt32().NotNullable();
        // "At least n dogs": the photos of one class, by count.
        Create.Index("ix_search_objects_label").OnTable("search_objects")
            .OnColumn("label").Ascending().OnColumn("object_count").Ascending().OnColumn("media_id").Ascending();

        Create.Table("search_words")
            .WithColumn("media_id").AsInt64().NotNullable().PrimaryKey("pk_search_words")
                .ForeignKey("fk_search_words_media", "media", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("word").AsString().NotNullable().PrimaryKey("pk_search_words");
        // A word or a prefix is a range of this index; byte order on PostgreSQL too, where a locale's collation
        // would not keep the words of a prefix together.
        IfDatabase("Postgres").Execute.Sql("ALTER TABLE search_words ALTER COLUMN word TYPE text COLLATE \"C\"");
        Create.Index("ix_search_words_word").OnTable("search_words").OnColumn("word").Ascending().OnColumn("media_id").Ascending();

        Alter.Table("media")
            .AddColumn("moderation").AsString().Nullable()
            .AddColumn("camera_words").AsString().Nullable();
        // Local dates of a date range (taken_sort is the instant, which differs from the camera's date by the offset).
        Create.Index("ix_media_taken_local").OnTable("media").OnColumn("taken_local");

        // A person's faces with their expression (person AND emotion), and anyone's expression.
        Create.Index("ix_faces_person_expression").OnTable("faces")
            .OnColumn("person_id").Ascending().OnColumn("expression").Ascending().OnColumn("media_id").Ascending();
        Create.Index("ix_faces_expression").OnTable("faces")
            .OnColumn("expression").Ascending().OnColumn("expression_score").Ascending().OnColumn("media_id").Ascending();
    }

    public override void Down()
    {
        Delete.Index("ix_faces_expression").OnTable("faces");
        Delete.Index("ix_faces_person_expression").OnTable("faces");
        Delete.Index("ix_media_taken_local").OnTable("media");
        Delete.Column("camera_words").FromTable("media");
        Delete.Column("moderation").FromTable("media");
        Delete.Table("search_words");
        Delete.Table("search_objects");
    }
}
