namespace MedSeg.Imaging.Datasets;

/// <summary>A sample <see cref="DatasetValidator"/> rejected, and why.</summary>
/// <param name="Index">Index in the data set that was validated.</param>
/// <param name="Source">The sample's source (image path) from <see cref="SampleInfo.Source"/>.</param>
/// <param name="Reason">What is wrong, naming the offending file when it is not the image itself.</param>
public sealed record BadSample(int Index, string Source, string Reason)
{
    public override string ToString() => $"#{Index} {Source}: {Reason}";
}
