namespace MedSeg.Pipeline.Sources.Igtl.Messages;

/// <summary>
/// What 3D Slicer needs to name and colour a label map: one LBMETA message (a label per
/// foreground class) and one COLORTABLE (every class id's colour), sent before the first label
/// IMAGE of a connection (<c>--send-labels</c>) and again whenever the map's size changes.
/// </summary>
public static class IgtlLabelDescription
{
    /// <param name="device">the label IMAGE's device name.</param>
    /// <param name="owner">the device name of the image the map segments.</param>
    /// <returns>The two messages back to back, version-1 headers.</returns>
    public static byte[] Build(string device, string owner, IReadOnlyList<string> classNames, IReadOnlyList<(byte R, byte G, byte B)> colors,
                               int width, int height, ulong timestamp = 0)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(colors);
        var entries = new List<IgtlLabelMeta.Entry>();
        for (int id = 1; id < classNames.Count && id < 256; id++)
        {
            var (r, g, b) = id < colors.Count ? colors[id] : ((byte)255, (byte)255, (byte)255);
            entries.Add(new IgtlLabelMeta.Entry(classNames[id], device, (byte)id, r, g, b, 255, width, height, 1, owner));
        }
        byte[] meta = IgtlMessageFraming.Build(IgtlLabelMeta.Type, device, timestamp, IgtlLabelMeta.Encode(entries));
        byte[] table = IgtlMessageFraming.Build(IgtlColorTable.Type, device, timestamp, IgtlColorTable.Encode(colors.Take(256).ToList()));
        return [.. meta, .. table];
    }
}
