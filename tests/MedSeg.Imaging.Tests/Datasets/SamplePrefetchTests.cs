using MedSeg.Imaging.Datasets;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Datasets;

public sealed class SamplePrefetchTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Samples_come_back_in_index_order_whatever_order_they_finish(bool concurrent)
    {
        // Early samples load slowest, so in parallel the later ones finish first.
        var data = new ProbeDataset(12, concurrent, loadMs: i => 12 - i);
        int[] indices = [11, 3, 7, 0, 5, 9, 1, 2, 4, 6, 8, 10];

        var seen = new List<(int Position, int Index, string Id)>();
        foreach (var loaded in SamplePrefetch.Load(data, indices))
        {
            using var s = loaded.Sample!;
            seen.Add((loaded.Position, loaded.Index, s.Id));
        }

        Assert.Equal(Enumerable.Range(0, indices.Length), seen.Select(x => x.Position));
        Assert.Equal(indices, seen.Select(x => x.Index));
        Assert.Equal(indices.Select(i => $"s{i}"), seen.Select(x => x.Id));
    }

    [Fact]
    public void A_set_that_cannot_load_concurrently_never_loads_two_at_once_and_loads_in_order()
    {
        var data = new ProbeDataset(10, concurrent: false, loadMs: _ => 3);

        foreach (var loaded in SamplePrefetch.Load(data, Enumerable.Range(0, 10).ToArray()))
        {
            Thread.Sleep(5); // the consumer's work, during which the next sample loads
            loaded.Sample!.Dispose();
        }

        Assert.Equal(1, data.MaxInFlight);
        Assert.Equal(Enumerable.Range(0, 10), data.LoadOrder);
    }

    [Fact]
    public void A_concurrent_set_loads_ahead_on_several_threads()
    {
        if (Environment.ProcessorCount < 2) return; // one core: nothing runs at once (the ordering test still runs)
        var data = new ProbeDataset(16, concurrent: true, loadMs: _ => 30);

        foreach (var loaded in SamplePrefetch.Load(data, Enumerable.Range(0, 16).ToArray())) loaded.Sample!.Dispose();

        Assert.True(data.MaxInFlight >= 2, $"at most {data.MaxInFlight} load(s) ran at once");
    }

    [Fact]
    public void A_sample_that_fails_to_load_is_an_item_naming_its_file_and_the_walk_goes_on()
    {
        var data = new ProbeDataset(5, concurrent: true, loadMs: _ => 0, failing: 2);

        var items = SamplePrefetch.Load(data, Enumerable.Range(0, 5).ToArray()).ToList();

        Assert.Equal(5, items.Count);
        Assert.Null(items[2].Sample);
        Assert.Equal("mem://2", items[2].Error!.Path);
        Assert.All(items.Where(x => x.Index != 2), x => Assert.NotNull(x.Sample));
        foreach (var x in items) x.Sample?.Dispose();
    }

    [Fact]
    public void Stopping_early_disposes_the_samples_loaded_ahead()
    {
        var data = new ProbeDataset(20, concurrent: true, loadMs: _ => 2);

        foreach (var loaded in SamplePrefetch.Load(data, Enumerable.Range(0, 20).ToArray()))
        {
            loaded.Sample!.Dispose();
            if (loaded.Position == 2) break;
        }

        Assert.True(data.Loaded.Count > 3, "nothing was loaded ahead");
        Assert.All(data.Loaded, s => Assert.True(s.Image.IsDisposed, $"{s.Id} was loaded ahead and never released"));
    }

    /// <summary>Records how many loads overlap and in which order they start.</summary>
    private sealed class ProbeDataset(int count, bool concurrent, Func<int, int> loadMs, int failing = -1) : ISegmentationDataset
    {
        private int _inFlight;
        private int _maxInFlight;
        private readonly Lock _gate = new();

        public string Name => "probe";
        public IReadOnlyList<string> ClassNames { get; } = ["background", "thing"];
        public int Count => count;
        public bool ConcurrentLoads => concurrent;
        public int MaxInFlight => _maxInFlight;
        public List<int> LoadOrder { get; } = [];
        public List<LabeledImage> Loaded { get; } = [];

        public SampleInfo Describe(int index) => new($"s{index}", null, $"mem://{index}");

        public LabeledImage Load(int index)
        {
            int now = Interlocked.Increment(ref _inFlight);
            lock (_gate)
            {
                _maxInFlight = Math.Max(_maxInFlight, now);
                LoadOrder.Add(index);
            }
            try
            {
                Thread.Sleep(loadMs(index));
                if (index == failing) throw new DatasetException($"mem://{index}", "broken on purpose");
                var s = new LabeledImage($"s{index}", new Mat(2, 2, MatType.CV_8UC1, Scalar.All(index)), new Mat(2, 2, MatType.CV_8UC1, Scalar.All(1)));
                lock (_gate) Loaded.Add(s);
                return s;
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }
}
