namespace MedSeg.Pipeline.Stages;

/// <summary>Largest-component and hole filling on a label map, with scratch arrays made once.</summary>
/// <remarks>Foreground = any non-zero label; touching regions of different classes count as one
/// component. Not thread-safe.</remarks>
internal sealed class MaskCleanup
{
    private readonly int _width, _height;
    private readonly int[] _component; // component id per pixel (0 = none) or 1 = reached background
    private readonly int[] _stack;

    public MaskCleanup(int width, int height)
    {
        (_width, _height) = (width, height);
        _component = new int[width * height];
        _stack = new int[width * height];
    }

    /// <summary>Zeroes every 8-connected foreground component except the largest (the first found wins ties).</summary>
    public void KeepLargestComponent(Span<byte> labels)
    {
        Array.Clear(_component);
        int next = 0, best = 0, bestSize = 0;
        for (int p = 0; p < labels.Length; p++)
        {
            if (labels[p] == 0 || _component[p] != 0) continue;
            int size = Flood(labels, p, ++next, foreground: true);
            if (size > bestSize) (best, bestSize) = (next, size);
        }
        if (next <= 1) return;
        for (int p = 0; p < labels.Length; p++)
            if (_component[p] != best) labels[p] = 0;
    }

    /// <summary>Background pixels not 4-connected to the border take the label of their left neighbour
    /// (always foreground or an already filled hole pixel, since holes never touch the border).</summary>
    public void FillHoles(Span<byte> labels)
    {
        Array.Clear(_component);
        int w = _width, h = _height;
        for (int x = 0; x < w; x++)
        {
            Seed(labels, x);
            Seed(labels, (h - 1) * w + x);
        }
        for (int y = 0; y < h; y++)
        {
            Seed(labels, y * w);
            Seed(labels, y * w + w - 1);
        }
        for (int p = 0; p < labels.Length; p++)
            if (labels[p] == 0 && _component[p] == 0) labels[p] = labels[p - 1];
    }

    private void Seed(Span<byte> labels, int p)
    {
        if (labels[p] == 0 && _component[p] == 0) Flood(labels, p, 1, foreground: false);
    }

    /// <summary>Marks the region of <paramref name="start"/> with <paramref name="id"/>; 8-connected for
    /// foreground, 4-connected for background (the usual pairing, so a diagonal gap does not leak).</summary>
    private int Flood(Span<byte> labels, int start, int id, bool foreground)
    {
        int w = _width, h = _height, top = 0, size = 0;
        _stack[top++] = start;
        _component[start] = id;
        while (top > 0)
        {
            int p = _stack[--top];
            size++;
            int x = p % w, y = p / w;
            for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
            {
                if ((dx | dy) == 0 || (!foreground && dx != 0 && dy != 0)) continue;
                int nx = x + dx, ny = y + dy;
                if ((uint)nx >= (uint)w || (uint)ny >= (uint)h) continue;
                int q = ny * w + nx;
                if (_component[q] != 0 || (labels[q] != 0) != foreground) continue;
                _component[q] = id;
                _stack[top++] = q;
            }
        }
        return size;
    }
}
