using System.Runtime;

namespace MedSeg.Core.Timing;

/// <summary>
/// What the JIT compiled over a span of a run, on every thread: methods and their compile time.
/// A live loop wants this near zero: its code compiled before the clock started, not beside it
/// (the runtime's tiered compiler re-compiles methods that got hot on a background thread).
/// </summary>
/// <param name="MethodsCompiled">Methods compiled (each tier counts: a re-compilation of a hot method is one more).</param>
/// <param name="CompileMs">CPU time the JIT spent on them, in ms.</param>
public readonly record struct JitActivity(long MethodsCompiled, double CompileMs)
{
    /// <summary>The JIT's counters now; <see cref="Mark.Since"/> gives what it did after.</summary>
    public static Mark Start() => new(JitInfo.GetCompiledMethodCount(currentThread: false), JitInfo.GetCompilationTime(currentThread: false));

    /// <summary>The JIT's counters at one moment.</summary>
    public readonly record struct Mark(long Methods, TimeSpan Time)
    {
        public JitActivity Since() => new(JitInfo.GetCompiledMethodCount(currentThread: false) - Methods,
            (JitInfo.GetCompilationTime(currentThread: false) - Time).TotalMilliseconds);
    }
}
