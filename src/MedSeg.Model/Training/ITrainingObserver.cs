namespace MedSeg.Model.Training;

/// <summary>Progress callbacks, so the trainer stays free of any console or UI code.</summary>
public interface ITrainingObserver
{
    void Message(string text);
    void PreparingStarted(string what, int total);
    void PreparingProgress(int done);
    void EpochStarted(int epoch, int epochs, int batches);
    void BatchDone(int batch, double loss);
    void EpochDone(EpochResult result);
}

/// <summary>Observer that ignores everything (tests, library use).</summary>
public sealed class NullTrainingObserver : ITrainingObserver
{
    public static NullTrainingObserver Instance { get; } = new();
    public void Message(string text) { }
    public void PreparingStarted(string what, int total) { }
    public void PreparingProgress(int done) { }
    public void EpochStarted(int epoch, int epochs, int batches) { }
    public void BatchDone(int batch, double loss) { }
    public void EpochDone(EpochResult result) { }
}
