using BenchmarkDotNet.Attributes;
using MedSeg.Core.Metrics;
using MedSeg.Core.Recording;
using MedSeg.Imaging.Preprocess;
using OpenCvSharp;

namespace MedSeg.Benchmarks;

/// <summary>
/// The per-frame CPU work around the model: preprocessing a 512×512 8-bit frame to the model's
/// 128×128 input (the same code train uses), run-length encoding a mask for the recorder, and
/// scoring a prediction against its truth (IoU/Dice without HD95, as replay scoring does per frame).
/// </summary>
public class FrameBenchmarks
{
    private Preprocessor _preprocessor = null!;
    private Mat _frame = null!;
    private float[] _chw = null!;
    private byte[] _mask = null!, _truth = null!, _rle = null!;

    [GlobalSetup]
    public void Setup()
    {
        _preprocessor = new Preprocessor(new PreprocessOptions { Width = 128, Height = 128 });
        _frame = new Mat(512, 512, MatType.CV_8UC1);
        Cv2.Randu(_frame, 0, 255);
        _chw = new float[128 * 128];
        // Two discs, as a lesion mask looks: long runs, few transitions.
        _mask = Disc(256, 120, 130, 40);
        _truth = Disc(256, 124, 128, 42);
        _rle = new byte[RunLength.MaxEncodedLength(_mask.Length)];
    }

    [Benchmark]
    public void Preprocess512To128() => _preprocessor.Image(_frame, _chw);

    [Benchmark]
    public int RunLengthEncodeMask256() => RunLength.Encode(_mask, _rle);

    [Benchmark]
    public double ScoreMask256() => ImageMetrics.Compute("frame", _mask, _truth, 256, 256, 2, computeHd95: false).Classes[0].Iou;

    [GlobalCleanup]
    public void Cleanup()
    {
        _preprocessor.Dispose();
        _frame.Dispose();
    }

    private static byte[] Disc(int size, int cx, int cy, int r)
    {
        var m = new byte[size * size];
        for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
            if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) m[y * size + x] = 1;
        return m;
    }
}
