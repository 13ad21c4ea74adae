namespace MedSeg.Engines.Onnx;

/// <summary>
/// When the intra-op pool's threads busy-wait for work instead of sleeping. Only matters with two
/// or more intra-op threads: with one, the calling thread does all the work and there is no pool.
/// </summary>
public enum OnnxSpinning
{
    /// <summary>Never spin (<c>session.intra_op.allow_spinning = 0</c>): workers sleep between ops, so each op pays a wake-up.</summary>
    Off,
    /// <summary>
    /// Spin while a <c>Run</c> is in progress and stop as soon as it returns
    /// (<c>allow_spinning = 1</c>, <c>session.force_spinning_stop = 1</c>): hand-offs between ops
    /// are as quick as ONNX Runtime's default, and no core is burnt between frames.
    /// </summary>
    DuringRun,
    /// <summary>ONNX Runtime's default: workers keep spinning after a <c>Run</c> until their spin budget runs out.</summary>
    Always,
}
