using Sightline.Imaging.Tests.Support;

namespace Sightline.Imaging.Tests.Input;

/// <summary>The one classification of files: content by magic bytes, sidecars by name and neighbour.</summary>
public class FileContentTests
{
    private static ContentGuess Identify(byte[] head, string name, bool mediaBeside = false) =>
        FileContent.Identify(head, "/photos/" + name, _ => mediaBeside);

    [Theory]
    [InlineData("ftypisom", "mp4")]
    [InlineData("ftypmp42", "mp4")]
    [InlineData("ftypqt  ", "mov")]
    [InlineData("ftypM4V ", "m4v")]
    [InlineData("ftyp3gp4", "3gp")]
    public void IsoMedia_IsTheVideoItsBrandSays(string box, string format)
    {
        byte[] head = [0, 0, 0, 0x18, .. System.Text.Encoding.ASCII.GetBytes(box), 0, 0, 0, 0, .. "isom"u8, .. new byte[16]];

        Assert.Equal(new ContentGuess(ContentKind.Video, format), Identify(head, "clip.bin"));
    }

    [Fact]
    public void AnIsoFileWithAnImageBrand_IsAnImage_NotAVideo()
    {
        byte[] heic = [0, 0, 0, 0x18, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8, .. new byte[16]];

        Assert.Equal((ContentKind.Image, "heic"), (Identify(heic, "x.mp4").Kind, Identify(heic, "x.mp4").Format));
    }

    [Fact]
    public void Content_IsToldByBytes_NotByName()
    {
        Assert.Equal("jpeg", Identify(TestImages.QuadrantJpeg(), "really.png").Format);
        Assert.Equal(ContentKind.Text, Identify("plain words\nand more"u8.ToArray(), "photo.jpg").Kind);
        Assert.Equal(ContentKind.Unknown, Identify([0x00, 0x13, 0x99, 0xFE, 0x01], "photo.jpg").Kind);
        Assert.Equal(new ContentGuess(ContentKind.Archive, Name: "ZIP archive"), Identify([.. "PK\u0003\u0004"u8, .. new byte[26]], "photo.jpg"));
        Assert.Equal(new ContentGuess(ContentKind.Archive, Name: "PDF document"), Identify("%PDF-1.7\n"u8.ToArray(), "scan.jpg"));
        Assert.Equal(new ContentGuess(ContentKind.Empty), Identify([], "photo.jpg"));
        // A character cut at the end of the head is still text.
        Assert.Equal(ContentKind.Text, Identify([.. "caf"u8, 0xC3], "notes.txt").Kind);
    }

    [Fact]
    public void Sidecars_AreToldByName_AndAJsonOnlyBesideItsMedia()
    {
        byte[] json = "{\"title\": \"IMG_1.jpg\"}"u8.ToArray();

        Assert.Equal(new ContentGuess(ContentKind.Sidecar, Name: "JSON"), Identify(json, "IMG_1.jpg.json", mediaBeside: true));
        Assert.Equal(ContentKind.Text, Identify(json, "IMG_1.jpg.json", mediaBeside: false).Kind);
        Assert.Equal(ContentKind.Sidecar, Identify("<x:xmpmeta/>"u8.ToArray(), "IMG_1.XMP").Kind);
        // A camera's THM is a JPEG, yet it is the video's thumbnail, not a photo of its own.
        Assert.Equal(new ContentGuess(ContentKind.Sidecar, Name: "THM"), Identify(TestImages.QuadrantJpeg(), "MVI_0001.THM"));
    }

    [Theory]
    [InlineData("IMG_1.jpg.json", "IMG_1.jpg")]
    [InlineData("IMG_1.jpg.supplemental-metadata.json", "IMG_1.jpg")]
    [InlineData("IMG_1.jpg.supplemental-me.json", "IMG_1.jpg")]
    [InlineData("IMG_1.jpg(2).json", "IMG_1(2).jpg")]
    [InlineData("IMG_1.json", "IMG_1")]
    public void SidecarSubject_UndoesGoogleTakeoutsNaming(string json, string subject)
    {
        Assert.Equal(subject, FileContent.SidecarSubject(json));
        Assert.True(FileContent.IsSubject(subject.Contains('.') ? subject : subject + ".heic", subject));
    }

    [Fact]
    public void ANamedPipe_IsUnreadable_BeforeItIsOpened()
    {
        using var dir = new TempDirectory();
        string pipe = Path.Combine(dir.Path, "pipe.jpg");
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [pipe]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);

        Assert.Equal(new ContentGuess(ContentKind.Unreadable, Name: "named pipe, not a regular file"), FileContent.OfFile(pipe));
        Assert.Equal("cannot be read (named pipe, not a regular file)", ImageFiles.WhyNotAnImage(pipe));
    }
}
