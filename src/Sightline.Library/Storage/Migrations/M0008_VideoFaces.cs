using FluentMigrator;

namespace Sightline.Library.Storage.Migrations;

/// <summary>
/// A video's faces are its face tracks, each kept as one face (its best frame's box, the track's descriptor) so that
/// people are found across photos and videos alike; frame_time is the time of the frame the box is in (null for a
/// photo's faces). A video's tracks themselves are its "tracks" analysis.
/// </summary>
[Migration(8, "the frame time of a video's faces")]
public sealed class M0008_VideoFaces : Migration
{
    public override void Up()
    {
        // Present already where a database was brought up to date by hand before this migration ran.
        if (!Schema.Table("faces").Column("frame_time").Exists())
            Alter.Table("faces").AddColumn("frame_time").AsDouble().Nullable();
    }

    public override void Down() => Delete.Column("frame_time").FromTable("faces");
}
