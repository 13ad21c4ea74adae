using MedSeg.Core.Inference;
using MedSeg.Core.Recording;
using MedSeg.Imaging.Preprocess;

namespace MedSeg.Pipeline.Session;

/// <summary>A loaded model and what the session needs to know about it, decided once by the loader.</summary>
/// <param name="Preprocess">The checkpoint's preprocessing.</param>
/// <param name="Threshold">The one threshold: <c>engine.threshold</c> or the checkpoint's; the engine was loaded with it and postprocessing uses it.</param>
/// <param name="Model">What recordings name as their model (path, hash, checkpoint info).</param>
/// <param name="OwnedBySession">The session disposes the engine with itself (false: the caller keeps it).</param>
public sealed record SessionEngine(ISegmentationEngine Engine, PreprocessOptions Preprocess, double Threshold, RecordedModel? Model, bool OwnedBySession = true);
