using Sightline.Inference.Timing;
using Sightline.Vision.Similarity;

namespace Sightline.Server.Api;

/// <summary>The parts every task response shares: the image as decoded, the model, the stage timings.</summary>
public sealed record ImageSize(int Width, int Height);

public sealed record ModelRef(string Id, string Version);

public sealed record EmbeddingResponse(ImageSize Image, ModelRef Model, int Dimension, float[] Vector, StageTimings Timings);

public sealed record SimilarResponse(ImageSize Image, ModelRef Model, string Index, int Searched, IReadOnlyList<SimilarMatch> Matches, StageTimings Timings);

public sealed record IndexInfo(string Name, string Model, int Images);

public sealed record ModelInfo(string Id, string Title, string Task, string Source, string License, bool Cached, string? Input, int? OutputDimension, IReadOnlyList<string>? Labels);
