using FluentMigrator;

namespace Sightline.Library.Storage.Migrations;

/// <summary>
/// The media keys a search reads for each photo its people, emotion, object and word filters match: the id first, so
/// that a photo is found by its id in this narrow index instead of in its wide row (the metadata JSON makes a media row
/// span pages), with the sort keys and the kind and date of the filters. At 100,000 photos counting the 12,000 photos
/// of one person fell from about 100 ms to 25 ms with it on SQLite.
/// </summary>
[Migration(6, "search keys of the media")]
public sealed class M0006_SearchKeys : Migration
{
    public override void Up() =>
        Create.Index("ix_media_search_keys").OnTable("media")
            .OnColumn("id").Ascending().OnColumn("taken_sort").Ascending().OnColumn("added_at").Ascending()
            .OnColumn("taken_local").Ascending().OnColumn("kind").Ascending();

    public override void Down() => Delete.Index("ix_media_search_keys").OnTable("media");
}
