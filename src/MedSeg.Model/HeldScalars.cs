using TorchSharp;

namespace MedSeg.Model;

/// <summary>
/// Constant <see cref="Scalar"/>s made once and held for the life of the process.
/// </summary>
/// <remarks>
/// Why (issue 10): TorchSharp 0.107 turns a number passed where it takes a <see cref="Scalar"/>
/// (<c>x + 1</c>, <c>x.gt(0.5)</c>, <c>mul_(0.9)</c>, and the hidden <c>alpha = 1</c> of
/// <c>a + b</c>, <c>add(t)</c>, <c>add_(s)</c>) into a temporary whose finalizer frees the native
/// scalar. Nothing holds it while libtorch reads it, so a GC during the call frees it under
/// libtorch's feet ("argument alpha must not be a floating point number", "Expected false to be
/// true" from c10/core/Scalar.h). Repeated paths pass these fields, or a <c>using</c> local for a
/// value known only at run time, and spell out every alpha. c10 scalars are immutable, so threads
/// may share them.
/// </remarks>
internal static class HeldScalars
{
    /// <summary>int64 1: the alpha (and step) of an integral tensor's add_, which must be integral.</summary>
    public static readonly Scalar OneInt64 = 1L.ToScalar();
    /// <summary>int 1: the alpha of every float add, and the 1 of 1 − x.</summary>
    public static readonly Scalar One = 1.ToScalar();
    public static readonly Scalar Two = 2.ToScalar();
}
