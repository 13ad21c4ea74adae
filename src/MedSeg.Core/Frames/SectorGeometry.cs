using System.Globalization;

namespace MedSeg.Core.Frames;

/// <summary>
/// An ultrasound probe's imaging geometry: how a pre-scan image (one column per beam line, one
/// row per depth sample) lies in the scan-converted (Cartesian) image.
/// </summary>
/// <remarks>
/// Sector (curvilinear or phased): beam lines fan out from <see cref="ApexX"/>, <see cref="ApexY"/>
/// (scan-converted pixels; above the image, y &lt; 0, for a curvilinear probe's virtual apex),
/// from angle <see cref="StartAngle"/> to <see cref="EndAngle"/> (radians from straight down,
/// positive towards +x), depth samples from <see cref="MinRadius"/> (the probe face: 0 for phased,
/// the radius of curvature for curvilinear) to <see cref="MaxRadius"/> (pixels).
/// Linear: the pre-scan image is stretched onto the whole output (the trivial case).
/// Pre-scan column 0 is <see cref="StartAngle"/>, row 0 is <see cref="MinRadius"/>; the last
/// column and row are the far ends. Immutable; <see cref="Parse"/> reads the spec form
/// <c>sector:apex=X,Y;radius=R0,R1;angle=DEG0,DEG1;out=WxH;pre=LINESxSAMPLES</c> or <c>linear:out=WxH;pre=LxS</c>.
/// </remarks>
public sealed record SectorGeometry
{
    public required SectorKind Kind { get; init; }

    /// <summary>Scan-converted image size.</summary>
    public required int Width { get; init; }
    public required int Height { get; init; }

    /// <summary>Pre-scan image size: beam lines (columns) × depth samples (rows).</summary>
    public required int Lines { get; init; }
    public required int Samples { get; init; }

    public double ApexX { get; init; }
    public double ApexY { get; init; }
    public double MinRadius { get; init; }
    public double MaxRadius { get; init; }
    public double StartAngle { get; init; }
    public double EndAngle { get; init; }

    /// <summary>Checks the geometry once; returns this.</summary>
    public SectorGeometry Validate()
    {
        if (Width < 2 || Height < 2) throw new ArgumentOutOfRangeException(nameof(Width), $"output {Width}×{Height} must be at least 2×2");
        if (Lines < 2 || Samples < 2) throw new ArgumentOutOfRangeException(nameof(Lines), $"pre-scan {Lines}×{Samples} must be at least 2×2");
        if (Kind == SectorKind.Sector)
        {
            if (!(MinRadius >= 0 && MaxRadius > MinRadius)) throw new ArgumentOutOfRangeException(nameof(MaxRadius), $"radii {MinRadius}..{MaxRadius} must satisfy 0 ≤ min < max");
            if (!(EndAngle > StartAngle && EndAngle - StartAngle < Math.PI)) throw new ArgumentOutOfRangeException(nameof(EndAngle), "the angular span must be positive and under 180°");
            if (!double.IsFinite(ApexX) || !double.IsFinite(ApexY)) throw new ArgumentOutOfRangeException(nameof(ApexX), "apex must be finite");
        }
        return this;
    }

    /// <summary>Where scan-converted pixel (x, y) samples the pre-scan image (column = line, row = sample); false outside the sector.</summary>
    public bool ToPreScan(double x, double y, out double line, out double sample)
    {
        if (Kind == SectorKind.Linear)
        {
            line = x * (Lines - 1) / (Width - 1);
            sample = y * (Samples - 1) / (Height - 1);
        }
        else
        {
            double dx = x - ApexX, dy = y - ApexY;
            double r = Math.Sqrt(dx * dx + dy * dy), theta = Math.Atan2(dx, dy);
            sample = (r - MinRadius) / (MaxRadius - MinRadius) * (Samples - 1);
            line = (theta - StartAngle) / (EndAngle - StartAngle) * (Lines - 1);
        }
        const double eps = 1e-9;
        return line >= -eps && line <= Lines - 1 + eps && sample >= -eps && sample <= Samples - 1 + eps;
    }

    /// <summary>Where pre-scan pixel (line, sample) lies in the scan-converted image.</summary>
    public (double X, double Y) ToScan(double line, double sample)
    {
        if (Kind == SectorKind.Linear) return (line * (Width - 1) / (Lines - 1), sample * (Height - 1) / (Samples - 1));
        double r = MinRadius + sample / (Samples - 1) * (MaxRadius - MinRadius);
        double theta = StartAngle + line / (Lines - 1) * (EndAngle - StartAngle);
        return (ApexX + r * Math.Sin(theta), ApexY + r * Math.Cos(theta));
    }

    /// <summary>1 inside the sector, 0 outside, one byte per scan-converted pixel (Height × Width).</summary>
    public byte[] Mask()
    {
        var mask = new byte[Width * Height];
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                mask[y * Width + x] = ToPreScan(x, y, out _, out _) ? (byte)1 : (byte)0;
        return mask;
    }

    public override string ToString() => Kind == SectorKind.Linear
        ? FormattableString.Invariant($"linear:out={Width}x{Height};pre={Lines}x{Samples}")
        : FormattableString.Invariant($"sector:apex={ApexX:0.###},{ApexY:0.###};radius={MinRadius:0.###},{MaxRadius:0.###};angle={StartAngle * 180 / Math.PI:0.###},{EndAngle * 180 / Math.PI:0.###};out={Width}x{Height};pre={Lines}x{Samples}");

    /// <summary>Reads the spec form (see remarks); angles in degrees.</summary>
    /// <exception cref="FormatException">Not a geometry this understands.</exception>
    public static SectorGeometry Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        int colon = text.IndexOf(':');
        string kind = colon < 0 ? text : text[..colon];
        var parts = (colon < 0 ? "" : text[(colon + 1)..]).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.OrdinalIgnoreCase);
        double[] Pair(string key, char sep)
        {
            if (!parts.TryGetValue(key, out var v)) throw new FormatException($"'{text}': missing {key}=");
            var xs = v.Split(sep);
            if (xs.Length != 2 || !double.TryParse(xs[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
                || !double.TryParse(xs[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double b))
                throw new FormatException($"'{text}': {key}={v} is not two numbers separated by '{sep}'");
            return [a, b];
        }
        var o = Pair("out", 'x');
        var p = Pair("pre", 'x');
        var common = new SectorGeometry { Kind = SectorKind.Linear, Width = (int)o[0], Height = (int)o[1], Lines = (int)p[0], Samples = (int)p[1] };
        try
        {
            return kind.ToLowerInvariant() switch
            {
                "linear" => common.Validate(),
                "sector" or "curvilinear" or "phased" => (common with
                {
                    Kind = SectorKind.Sector,
                    ApexX = Pair("apex", ',')[0], ApexY = Pair("apex", ',')[1],
                    MinRadius = Pair("radius", ',')[0], MaxRadius = Pair("radius", ',')[1],
                    StartAngle = Pair("angle", ',')[0] * Math.PI / 180, EndAngle = Pair("angle", ',')[1] * Math.PI / 180,
                }).Validate(),
                _ => throw new FormatException($"'{text}': geometry kind '{kind}' is not linear, sector, curvilinear or phased"),
            };
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new FormatException($"'{text}': {e.Message}", e);
        }
    }
}
