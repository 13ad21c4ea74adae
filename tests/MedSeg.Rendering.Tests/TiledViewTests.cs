using System.Diagnostics.CodeAnalysis;
using MedSeg.Core.Frames;
using MedSeg.Rendering.Context;

namespace MedSeg.Rendering.Tests;

/// <summary>Several streams in one view: the grid, and each tile's pixels coming from its own stream (headless Mesa).</summary>
public sealed class TiledViewTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 2, 1)]
    [InlineData(3, 2, 2)]
    [InlineData(4, 2, 2)]
    [InlineData(6, 3, 2)]
    public void Grid_CoversTheTargetOnceWithColumnsByRows(int count, int columns, int rows)
    {
        const int w = 101, h = 77;
        var tiles = TileLayout.Grid(count, w, h);
        Assert.Equal(count, tiles.Length);
        Assert.Equal(columns, tiles.Select(t => t.X).Distinct().Count());
        Assert.Equal(rows, tiles.Select(t => t.Y).Distinct().Count());
        var covered = new int[w * h];
        foreach (var t in tiles)
            for (int y = t.Y; y < t.Y + t.Height; y++)
            for (int x = t.X; x < t.X + t.Width; x++) covered[y * w + x]++;
        Assert.All(covered, c => Assert.InRange(c, 0, 1));                      // no overlap
        Assert.Equal(count == columns * rows ? w * h : covered.Count(c => c == 1), covered.Sum());
        if (count == columns * rows) Assert.All(covered, c => Assert.Equal(1, c));   // a full grid leaves no gap
        Assert.True(tiles[0].Y > tiles[^1].Y || rows == 1, "the first tile is in the top row");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Run_NStreams_EachTileShowsItsOwnStreamWithItsOwnCounters(int streams)
    {
        const int width = 160, height = 120, frames = 3;
        var pools = new List<FramePool>();
        var providers = new List<IFrameProvider>();
        for (int s = 0; s < streams; s++)
        {
            var pool = new FramePool();
            pools.Add(pool);
            // Stream s: a flat grey of its own, and a class-1 square only in even streams; its own sequence numbers.
            providers.Add(new FlatStream(pool, Grey(s), withMask: s % 2 == 0, firstSeq: 100 * s, frames));
        }
        try
        {
            using var target = HeadlessRenderTarget.Create(width, height);
            using (var viewer = new OverlayViewer(target, providers, new OverlaySettings { Opacity = 1f },
                       new OverlayViewerOptions { ShowHud = false }) { IsFixedTimeStep = false })
            {
                viewer.Run();
                Assert.Equal(streams, viewer.Tiles.Count);
                for (int s = 0; s < streams; s++)
                {
                    Assert.Equal(frames, viewer.StreamStats[s].FramesPresented);
                    Assert.Equal(100 * s + frames - 1, viewer.StreamStats[s].LastSeq);
                }
                var rgb = Headless.ReadRgb(target);
                var classOne = viewer.Settings.ClassColors[1];
                for (int s = 0; s < streams; s++)
                {
                    var tile = viewer.Tiles[s];
                    var fit = Letterbox.Fit(32, 24, tile.Width, tile.Height);
                    var content = fit with { X = tile.X + fit.X, Y = tile.Y + fit.Y };
                    // Black bars around the letterboxed frame stay inside the tile.
                    if (fit.Y > 1) Assert.Equal(((byte)0, (byte)0, (byte)0), Pixel(rgb, width, height, tile.X + tile.Width / 2, tile.Y));
                    // A pixel near the content's corner shows the stream's grey; the centre shows its mask (class 1 at opacity 1) or the grey.
                    var corner = Pixel(rgb, width, height, content.X + 2, content.Y + content.Height - 3);
                    Assert.Equal((Grey(s), Grey(s), Grey(s)), corner);
                    var centre = Pixel(rgb, width, height, tile.X + tile.Width / 2, tile.Y + tile.Height / 2);
                    var expected = s % 2 == 0
                        ? ((byte)Math.Round(classOne.X * 255), (byte)Math.Round(classOne.Y * 255), (byte)Math.Round(classOne.Z * 255))
                        : (Grey(s), Grey(s), Grey(s));
                    Assert.Equal(expected, centre);
                }
            }
            Assert.All(pools, p => Assert.Equal(0, p.Outstanding));
        }
        finally
        {
            foreach (var p in providers) ((FlatStream)p).Dispose();
            foreach (var p in pools) p.Dispose();
        }
    }

    [Fact]
    public void Run_FourStreamsWithHud_EachTileHasItsOwnHudAtItsTopLeft()
    {
        // 160×120 in 2×2 tiles of 80×60: the 32×24 frames fill their tiles exactly, so the HUD lies over image pixels.
        const int width = 160, height = 120, streams = 4;
        using var pool = new FramePool();
        var providers = Enumerable.Range(0, streams).Select(s => (IFrameProvider)new FlatStream(pool, Grey(s), withMask: false, firstSeq: 0, count: 1)).ToList();
        try
        {
            using var target = HeadlessRenderTarget.Create(width, height);
            using var viewer = new OverlayViewer(target, providers, options: new OverlayViewerOptions { ShowHud = true }) { IsFixedTimeStep = false };
            viewer.Run();
            var rgb = Headless.ReadRgb(target);
            for (int s = 0; s < streams; s++)
            {
                var tile = viewer.Tiles[s];
                int hudRow = tile.Y + tile.Height - 8 - 2;   // inside the HUD box, above its first line of text
                // The HUD's box (black at alpha 150/255) darkens the stream's grey just inside the tile's top-left margin ...
                var (r, _, _) = Pixel(rgb, width, height, tile.X + 8 + 1, hudRow);
                Assert.InRange(r, Grey(s) * 105 / 255 - 2, Grey(s) * 105 / 255 + 2);
                // ... but not in the tile's own left margin, which a HUD placed at the target's corner (340 px wide) would cover.
                Assert.Equal((Grey(s), Grey(s), Grey(s)), Pixel(rgb, width, height, tile.X + 3, hudRow));
            }
        }
        finally
        {
            foreach (var p in providers) ((FlatStream)p).Dispose();
        }
    }

    private static byte Grey(int stream) => (byte)(30 + 50 * stream);

    /// <summary>RGB of the pixel at (x, y) in GL coordinates (origin bottom-left) of a top-row-first read-back.</summary>
    private static (byte, byte, byte) Pixel(byte[] rgb, int width, int height, int x, int y)
    {
        int o = ((height - 1 - y) * width + x) * 3;
        return (rgb[o], rgb[o + 1], rgb[o + 2]);
    }

    /// <summary>A stream of flat frames (32×24, the tile's aspect is not the frame's: letterboxed).</summary>
    private sealed class FlatStream : IFrameProvider, IDisposable
    {
        private readonly Queue<Frame> _frames = new();

        public FlatStream(FramePool pool, byte grey, bool withMask, long firstSeq, int count)
        {
            const int w = 32, h = 24;
            for (int i = 0; i < count; i++)
            {
                var frame = pool.Rent(new FrameInfo(firstSeq + i, TimeSpan.Zero, w, h, PixelFormat.Gray8));
                frame.Times.Captured = StageTimes.Now();
                frame.Pixels.Fill(grey);
                frame.AllocateOutputs(w, h);
                frame.Labels.Clear();
                frame.Foreground.Clear();
                if (withMask)
                {
                    for (int y = h / 4; y < h * 3 / 4; y++)
                    {
                        frame.Labels.Slice(y * w + w / 4, w / 2).Fill(1);
                        frame.Foreground.Slice(y * w + w / 4, w / 2).Fill(1f);
                    }
                }
                _frames.Enqueue(frame);
            }
        }

        public bool IsCompleted => _frames.Count == 0;

        public bool TryTakeNewest([NotNullWhen(true)] out Frame? frame) => _frames.TryDequeue(out frame);

        public void Dispose()
        {
            while (_frames.TryDequeue(out var f)) f.Dispose();
        }
    }
}
