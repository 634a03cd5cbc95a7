using System.Globalization;
using System.Xml;

namespace Sightline.Library.Export;

/// <summary>
/// The XMP sidecar of an exported photo, as Lightroom, digiKam and the library's own reader take it: each named face
/// as an MWG face region (mwg-rs:Regions, centre and size as fractions of the image as stored, so that the EXIF
/// orientation turns it the same way as the pixels), and the object classes and expressions as dc:subject keywords.
/// </summary>
internal static class XmpSidecar
{
    private const string Meta = "adobe:ns:meta/";
    private const string Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    private const string Dc = "http://purl.org/dc/elements/1.1/";
    private const string MwgRegions = "http://www.metadataworkinggroup.com/schemas/regions/";
    private const string Area = "http://ns.adobe.com/xmp/sType/Area#";
    private const string Dimensions = "http://ns.adobe.com/xap/1.0/sType/Dimensions#";

    public static string Write(PhotoDetail detail, PhotoFacts facts)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true }))
        {
            xml.WriteStartElement("x", "xmpmeta", Meta);
            xml.WriteStartElement("rdf", "RDF", Rdf);
            xml.WriteStartElement("rdf", "Description", Rdf);
            xml.WriteAttributeString("rdf", "about", Rdf, "");
            xml.WriteAttributeString("xmlns", "dc", null, Dc);
            xml.WriteAttributeString("xmlns", "mwg-rs", null, MwgRegions);
            xml.WriteAttributeString("xmlns", "stArea", null, Area);
            xml.WriteAttributeString("xmlns", "stDim", null, Dimensions);
            WriteRegions(xml, detail, facts);
            var keywords = facts.Objects.Concat(facts.Emotions).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (keywords.Count > 0)
            {
                xml.WriteStartElement("dc", "subject", Dc);
                xml.WriteStartElement("rdf", "Bag", Rdf);
                foreach (var keyword in keywords)
                    xml.WriteElementString("rdf", "li", Rdf, keyword);
                xml.WriteEndElement();
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
        }
        return text.ToString() + Environment.NewLine;
    }

    private static void WriteRegions(XmlWriter xml, PhotoDetail detail, PhotoFacts facts)
    {
        var named = facts.Faces.Where(f => !string.IsNullOrWhiteSpace(f.Name)).ToList();
        if (named.Count == 0 || detail.Photo.Width is not > 0 || detail.Photo.Height is not > 0)
            return;
        var width = detail.Photo.Width.Value;
        var height = detail.Photo.Height.Value;
        var orientation = detail.Metadata.Orientation;
        var swapped = orientation is >= 5 and <= 8;
        xml.WriteStartElement("mwg-rs", "Regions", MwgRegions);
        xml.WriteAttributeString("rdf", "parseType", Rdf, "Resource");
        xml.WriteStartElement("mwg-rs", "AppliedToDimensions", MwgRegions);
        xml.WriteAttributeString("rdf", "parseType", Rdf, "Resource");
        xml.WriteElementString("stDim", "w", Dimensions, (swapped ? height : width).ToString(CultureInfo.InvariantCulture));
        xml.WriteElementString("stDim", "h", Dimensions, (swapped ? width : height).ToString(CultureInfo.InvariantCulture));
        xml.WriteElementString("stDim", "unit", Dimensions, "pixel");
        xml.WriteEndElement();
        xml.WriteStartElement("mwg-rs", "RegionList", MwgRegions);
        xml.WriteStartElement("rdf", "Bag", Rdf);
        foreach (var (face, name) in named)
        {
            var upright = new Metadata.NormalizedRect(face.X / (double)width, face.Y / (double)height, face.Width / (double)width, face.Height / (double)height);
            var stored = Metadata.FaceRegionGeometry.Clamp(ToStored(Metadata.FaceRegionGeometry.Clamp(upright), orientation));
            xml.WriteStartElement("rdf", "li", Rdf);
            xml.WriteAttributeString("rdf", "parseType", Rdf, "Resource");
            xml.WriteElementString("mwg-rs", "Name", MwgRegions, name!.Trim());
            xml.WriteElementString("mwg-rs", "Type", MwgRegions, "Face");
            xml.WriteStartElement("mwg-rs", "Area", MwgRegions);
            xml.WriteAttributeString("rdf", "parseType", Rdf, "Resource");
            xml.WriteElementString("stArea", "x", Area, Number(stored.X + stored.Width / 2));
            xml.WriteElementString("stArea", "y", Area, Number(stored.Y + stored.Height / 2));
            xml.WriteElementString("stArea", "w", Area, Number(stored.Width));
            xml.WriteElementString("stArea", "h", Area, Number(stored.Height));
            xml.WriteElementString("stArea", "unit", Area, "normalized");
            xml.WriteEndElement();
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    /// <summary>An upright rectangle in the image as stored: the inverse of the orientation (6 and 8 undo each other, the others undo themselves).</summary>
    internal static Metadata.NormalizedRect ToStored(Metadata.NormalizedRect upright, int orientation) =>
        Metadata.FaceRegionGeometry.ToUpright(upright, orientation switch { 6 => 8, 8 => 6, _ => orientation });

    private static string Number(double value) => Math.Round(value, 6).ToString("0.######", CultureInfo.InvariantCulture);
}
