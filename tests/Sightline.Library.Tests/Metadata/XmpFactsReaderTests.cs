using System.Text;
using Sightline.Library.Metadata;

namespace Sightline.Library.Tests.Metadata;

/// <summary>Sidecar packets XmpCore fails on in ways of its own (found by fuzzing): each is a warning, never an exception.</summary>
public sealed class XmpFactsReaderTests
{
    private const string Packet = """
        <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
        <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="3"/></rdf:RDF></x:xmpmeta>
        """;

    [Fact]
    public void A_readable_packet_parses()
    {
        var warnings = new List<string>();
        Assert.NotNull(XmpFactsReader.Parse(Encoding.UTF8.GetBytes(Packet), "sidecar a.jpg.xmp", warnings));
        Assert.Empty(warnings);
    }

    [Fact]
    public void A_packet_whose_first_bytes_look_like_utf32_is_unreadable_xmp()
    {
        // XmpCore guesses the encoding from the first four bytes: '<' 0 0 x reads as UTF-32LE, which it does not support.
        byte[] packet = [(byte)'<', 0, 0, 2, .. Encoding.UTF8.GetBytes(Packet)];
        var warnings = new List<string>();
        Assert.Null(XmpFactsReader.Parse(packet, "sidecar a.jpg.xmp", warnings));
        Assert.Contains(warnings, w => w.StartsWith("sidecar a.jpg.xmp is not readable XMP", StringComparison.Ordinal));
    }

    [Fact]
    public void Stray_text_inside_rdf_RDF_is_unreadable_xmp()
    {
        var packet = Packet.Replace("<rdf:Description", "stray text<rdf:Description", StringComparison.Ordinal);
        var warnings = new List<string>();
        Assert.Null(XmpFactsReader.Parse(Encoding.UTF8.GetBytes(packet), "sidecar a.jpg.xmp", warnings));
        Assert.Contains(warnings, w => w.StartsWith("sidecar a.jpg.xmp is not readable XMP", StringComparison.Ordinal));
    }
}
