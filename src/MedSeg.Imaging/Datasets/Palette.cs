using System.Globalization;
using System.Text.RegularExpressions;
using OpenCvSharp;

namespace MedSeg.Imaging.Datasets;

/// <summary>
/// Maps the colours of a colour-coded mask to class ids. Read from a text file with one
/// <c>R,G,B name</c> line per class; the first line is class 0 (background).
/// </summary>
public sealed partial class Palette
{
    private readonly Dictionary<int, byte> _idByColour;

    public Palette(IReadOnlyList<(byte R, byte G, byte B, string Name)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count is 0 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(entries), entries.Count, "a palette has 1 to 256 classes (8-bit masks)");
        }

        _idByColour = [];
        for (int id = 0; id < entries.Count; id++)
        {
            (byte r, byte g, byte b, string _) = entries[id];
            if (!_idByColour.TryAdd(Pack(r, g, b), (byte)id))
            {
                throw new ArgumentException($"colour {r},{g},{b} is listed twice", nameof(entries));
            }
        }

        ClassNames = entries.Select(e => e.Name).ToArray();
    }

    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Reads a palette file; a bad line is a <see cref="DatasetException"/> naming its number.</summary>
    public static Palette Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetException(path, "palette file not found");
        }

        var entries = new List<(byte, byte, byte, string)>();
        string[] lines = File.ReadAllLines(path);
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            Match m = EntryPattern().Match(line);
            if (!m.Success || !TryByte(m.Groups[1].Value, out byte r) || !TryByte(m.Groups[2].Value, out byte g) || !TryByte(m.Groups[3].Value, out byte b))
            {
                throw new DatasetException(path, $"line {n + 1}: expected 'R,G,B name' with values 0..255, got '{line}'");
            }

            entries.Add((r, g, b, m.Groups[4].Value));
        }

        try
        {
            return new Palette(entries);
        }
        catch (ArgumentException e)
        {
            throw new DatasetException(path, e.Message, e);
        }
    }

    /// <summary>
    /// Turns a colour mask (BGR as OpenCV stores it; gray is taken as R=G=B) into class ids.
    /// A colour not in the palette is an error naming the file, the colour and the pixel,
    /// because a silently guessed class would poison training (JPEG-compressed masks do this).
    /// </summary>
    public Mat ToClassIds(Mat colourMask, string sourcePath)
    {
        if (colourMask.Depth() != MatType.CV_8U)
        {
            throw new DatasetException(sourcePath, $"palette masks must be 8-bit, got {colourMask.Type()}");
        }

        using Mat bgr = ToBgr(colourMask);
        bgr.GetArray(out Vec3b[] pixels);
        byte[] ids = new byte[pixels.Length];
        int lastKey = -1;
        byte lastId = 0;
        for (int i = 0; i < pixels.Length; i++)
        {
            Vec3b p = pixels[i];
            int key = Pack(p.Item2, p.Item1, p.Item0);
            // Masks are mostly runs of one colour; skipping the lookup for a repeat halves the cost.
            if (key != lastKey)
            {
                if (!_idByColour.TryGetValue(key, out lastId))
                {
                    throw new DatasetException(sourcePath,
                        $"colour RGB({p.Item2},{p.Item1},{p.Item0}) at pixel (x={i % bgr.Cols}, y={i / bgr.Cols}) is not in the palette");
                }

                lastKey = key;
            }

            ids[i] = lastId;
        }

        Mat result = new(bgr.Rows, bgr.Cols, MatType.CV_8UC1);
        result.SetArray(ids);
        return result;
    }

    private static Mat ToBgr(Mat m)
    {
        Mat bgr = new();
        switch (m.Channels())
        {
            case 1: Cv2.CvtColor(m, bgr, ColorConversionCodes.GRAY2BGR); break;
            case 4: Cv2.CvtColor(m, bgr, ColorConversionCodes.BGRA2BGR); break;
            case 3: m.CopyTo(bgr); break;
            default:
                bgr.Dispose();
                throw new ArgumentException($"cannot read a {m.Channels()}-channel colour mask", nameof(m));
        }

        return bgr;
    }

    private static int Pack(byte r, byte g, byte b) => (r << 16) | (g << 8) | b;

    private static bool TryByte(string s, out byte value) =>
        byte.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    [GeneratedRegex(@"^(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s+(\S.*)$")]
    private static partial Regex EntryPattern();
}
