using FluentMigrator;

namespace Sightline.Library.Storage.Migrations;

/// <summary>Faces (detected and imported) and image embeddings; vectors are little-endian float32 blobs (BLOB / bytea).</summary>
[Migration(2, "faces, embeddings")]
public sealed class M0002_FacesEmbeddings : Migration
{
    public override void Up()
    {
        Create.Table("faces")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("media_id").AsInt64().NotNullable().ForeignKey("fk_faces_media", "media", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("face_index").AsInt32().NotNullable()
            .WithColumn("origin").AsInt32().NotNullable()
            .WithColumn("x").AsDouble().NotNullable()
            .WithColumn("y").AsDouble().NotNullable()
            .WithColumn("width").AsDouble().NotNullable()
            .WithColumn("height").AsDouble().NotNullable()
            .WithColumn("score").AsDouble().NotNullable()
            .WithColumn("name").AsString().Nullable()
            .WithColumn("landmarks").AsBinary().Nullable()
            .WithColumn("descriptor").AsBinary().Nullable()
            .WithColumn("descriptor_model").AsString().Nullable()
            .WithColumn("expression").AsString().Nullable()
            .WithColumn("expression_score").AsDouble().Nullable()
            .WithColumn("age").AsDouble().Nullable()
            .WithColumn("gender").AsString().Nullable()
            .WithColumn("gender_score").AsDouble().Nullable()
            .WithColumn("quality").AsDouble().Nullable();
        Create.Index("ux_faces_media_origin_index").OnTable("faces")
            .OnColumn("media_id").Ascending().OnColumn("origin").Ascending().OnColumn("face_index").Ascending().WithOptions().Unique();

        Create.Table("embeddings")
            .WithColumn("media_id").AsInt64().NotNullable().PrimaryKey().ForeignKey("fk_embeddings_media", "media", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("model").AsString().NotNullable()
            .WithColumn("vector").AsBinary().NotNullable()
            .WithColumn("at").AsInt64().NotNullable();
    }

    public override void Down()
    {
        Delete.Table("embeddings");
        Delete.Table("faces");
    }
}
