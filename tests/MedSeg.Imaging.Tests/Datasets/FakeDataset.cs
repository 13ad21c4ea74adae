using MedSeg.Imaging.Datasets;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Datasets;

/// <summary>An in-memory data set: sample i is "s{i}" in the given group, with a 4x4 mask of class ids.</summary>
internal sealed class FakeDataset : ISegmentationDataset
{
    private readonly Func<int, string?> _group;
    private readonly Func<int, byte> _maskValue;

    public FakeDataset(int count, Func<int, string?>? group = null, Func<int, byte>? maskValue = null)
    {
        Count = count;
        _group = group ?? (_ => null);
        _maskValue = maskValue ?? (_ => 1);
    }

    public string Name => "fake";

    public IReadOnlyList<string> ClassNames { get; } = ["background", "thing"];

    public int Count { get; }

    public SampleInfo Describe(int index) => new($"s{index}", _group(index), $"mem://{index}");

    public LabeledImage Load(int index) =>
        new($"s{index}", new Mat(4, 4, MatType.CV_8UC1, Scalar.All(index)), new Mat(4, 4, MatType.CV_8UC1, Scalar.All(_maskValue(index))));
}
