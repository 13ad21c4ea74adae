using MedSeg.Core.Frames;

namespace MedSeg.Pipeline.Stages;

/// <summary>
/// Clears the prediction outside an ultrasound frame's sector (its geometry's
/// <see cref="FrameGeometry.Sector"/>), so nothing is predicted, drawn, recorded or scored where
/// there is no image: the fan's corners are black, and a model may still call them foreground.
/// </summary>
/// <remarks>
/// The mask is made at the engine's output size by mapping each output pixel's centre into the
/// scan-converted image (pixel centres line up as in OpenCV's resize), and kept for as long as
/// frames keep the same sector: one sector per probe setting, so it is rebuilt only when the probe's
/// depth or span changes. Not thread-safe; one per postprocess stage.
/// </remarks>
public sealed class SectorGate
{
    private readonly int _width, _height;
    private readonly byte[] _inside;
    private SectorGeometry? _sector;

    public SectorGate(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        (_width, _height) = (width, height);
        _inside = new byte[width * height];
    }

    /// <summary>Zeroes labels and foreground probability outside the frame's sector. Frames without a
    /// sector, and pre-scan frames (their size is not the sector's scan-converted size: every pixel is
    /// image), are left alone — the same rule `score` uses.</summary>
    /// <returns>true when the frame was gated.</returns>
    public bool Apply(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Info.Geometry.Sector is not { } sector || (sector.Width, sector.Height) != (frame.Info.Width, frame.Info.Height)) return false;
        if (!sector.Equals(_sector)) Build(sector);
        var labels = frame.Labels;
        var foreground = frame.Foreground;
        for (int p = 0; p < _inside.Length; p++)
        {
            if (_inside[p] != 0) continue;
            labels[p] = 0;
            if (!foreground.IsEmpty) foreground[p] = 0;
        }
        return true;
    }

    private void Build(SectorGeometry sector)
    {
        double sx = (double)sector.Width / _width, sy = (double)sector.Height / _height;
        for (int y = 0; y < _height; y++)
            for (int x = 0; x < _width; x++)
                _inside[y * _width + x] = sector.ToPreScan((x + 0.5) * sx - 0.5, (y + 0.5) * sy - 0.5, out _, out _) ? (byte)1 : (byte)0;
        _sector = sector;
    }
}
