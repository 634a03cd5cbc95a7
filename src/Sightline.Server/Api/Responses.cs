using Sightline.Inference.Timing;
using Sightline.Vision.Results;
using Sightline.Vision.Similarity;

namespace Sightline.Server.Api;

public sealed record EmbeddingResponse(ImageSize Image, ModelRef Model, int Dimension, float[] Vector, StageTimings Timings);

public sealed record SimilarResponse(ImageSize Image, ModelRef Model, string Index, int Searched, IReadOnlyList<SimilarMatch> Matches, StageTimings Timings);

public sealed record IndexInfo(string Name, string Model, int Images);

public sealed record ModelInfo(string Id, string Title, string Task, string Source, string License, bool Cached, string? Input, int? OutputDimension, IReadOnlyList<string>? Labels);
