namespace MedSeg.Model.Tests;

/// <summary>
/// A background thread that runs <c>GC.Collect(); GC.WaitForPendingFinalizers();</c> in a loop
/// until disposed, so that a finalizer lands inside almost every native call of the code under
/// test: a TorchSharp temporary (a <c>Scalar</c>, a <c>Tensor</c>) that nothing holds during its
/// native call is then freed while libtorch reads it, and the test fails instead of a user's run.
/// </summary>
public sealed class ForcedCollections : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;

    public ForcedCollections()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "forced GC" };
        _thread.Start();
    }

    /// <summary>Collections run so far: a test checks the stress really ran.</summary>
    public long Collections { get; private set; }

    private void Loop()
    {
        while (!_stop)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Collections++;
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}
