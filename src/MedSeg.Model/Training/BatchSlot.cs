namespace MedSeg.Model.Training;

/// <summary>One place in a batch: the sample, and the foreground class its patch is centred on (<see cref="Any"/>: a random position).</summary>
public readonly record struct BatchSlot(int Sample, int Class = BatchSlot.Any)
{
    public const int Any = -1;
    public bool Forced => Class != Any;
}
