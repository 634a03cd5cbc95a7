using Sightline.Faces;
using Sightline.Faces.Descriptors;
using Sightline.Faces.Gallery;
using Sightline.Vision.Detection;
using Sightline.Vision.Results;

namespace Sightline.Server.Api;

/// <summary>The descriptor model a gallery is bound to (set by its first enrolment).</summary>
public sealed record GalleryModelInfo(string Id, DescriptorMetric Metric, int Dimension)
{
    public static GalleryModelInfo? From(GalleryModel? model) => model is { } m ? new GalleryModelInfo(m.ModelId, m.Metric, m.Dimension) : null;
}

/// <summary>An enrolled person: name, number of faces, when created and last changed (UTC).</summary>
public sealed record PersonInfo(string Name, int Faces, DateTimeOffset Created, DateTimeOffset Updated)
{
    public static PersonInfo From(GalleryPerson p) => new(p.Name, p.FaceCount, p.Created, p.Updated);
}

/// <summary>The gallery: its model and everyone in it, by name.</summary>
public sealed record GalleryPeopleResponse(GalleryModelInfo? Model, IReadOnlyList<PersonInfo> People);

/// <summary>One stored face of a person.</summary>
public sealed record StoredFaceInfo(long Id, string Source, float? Quality, DateTimeOffset Added);

/// <summary>A person with their stored faces, oldest first.</summary>
public sealed record PersonDetail(string Name, int FaceCount, DateTimeOffset Created, DateTimeOffset Updated, IReadOnlyList<StoredFaceInfo> Faces);

/// <summary>A face an enrolment stored: its id in the gallery, the image it came from, its box there and its quality.</summary>
public sealed record EnrolledFaceInfo(long Id, string Source, BoundingBox Box, float? Quality);

/// <summary>An uploaded image an enrolment did not use, and why.</summary>
public sealed record SkippedImage(string Source, string Reason);

/// <summary>What an enrolment did: the person afterwards, whether it created them, the faces stored and the images skipped.</summary>
public sealed record EnrollResponse(PersonInfo Person, bool CreatedPerson, IReadOnlyList<EnrolledFaceInfo> Enrolled, IReadOnlyList<SkippedImage> Skipped,
    ModelRef Descriptor, double ElapsedMs);

/// <summary>The body of a rename: the person's new name.</summary>
public sealed record RenameRequest(string Name);
