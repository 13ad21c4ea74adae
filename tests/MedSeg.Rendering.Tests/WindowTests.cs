using MedSeg.Rendering.Context;
using OpenCvSharp;

namespace MedSeg.Rendering.Tests;

[CollectionDefinition(nameof(WindowCollection), DisableParallelization = true)]
public sealed class WindowCollection;

/// <summary>A real GLFW window on a private Xvfb: open, draw a few frames, screenshot, close.</summary>
[Collection(nameof(WindowCollection))]
public sealed class WindowTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-window-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void GlfwWindow_UnderXvfb_RendersFramesTakesAScreenshotAndClosesCleanly()
    {
        using var display = XvfbDisplay.Start();
        using var provider = new QueueFrameProvider(40, 30, 0, 1, 2, 3);
        string shot = Path.Combine(_dir, "window.png");
        using (var window = GlfwWindow.Create(160, 120, "medseg test", vsync: false))
        {
            Assert.Equal((160, 120), (window.Width, window.Height));
            Assert.Contains("llvmpipe", window.Renderer, StringComparison.OrdinalIgnoreCase);
            using var viewer = new OverlayViewer(window, provider, options: new OverlayViewerOptions { ShowHud = false })
            { IsFixedTimeStep = false };
            viewer.RequestScreenshot(shot);
            viewer.Run();
            Assert.Equal(4, viewer.Stats.FramesPresented);
            Assert.False(window.CloseRequested);
        }
        Assert.Equal(0, provider.Pool.Outstanding);
        using var png = Cv2.ImRead(shot);
        Assert.Equal((160, 120), (png.Cols, png.Rows));
        // The class-1 bar (row 15 of 30, columns 10..29 of 40) sits in the middle: filled with class 1's red at 50%.
        var centre = png.At<Vec3b>(61, 80);
        Assert.True(centre.Item2 > centre.Item1 + 40, $"expected a red-tinted overlay pixel, got BGR {centre.Item0},{centre.Item1},{centre.Item2}");
    }

    [Fact]
    public void GlfwWindow_Resized_AsksForARedrawThatAnIdleViewerDraws()
    {
        using var display = XvfbDisplay.Start();
        using var provider = new QueueFrameProvider(40, 30, 0);
        using var window = GlfwWindow.Create(160, 120, "medseg test", vsync: false);
        using var viewer = new OverlayViewer(window, provider, options: new OverlayViewerOptions
        {
            ShowHud = false, IdleWait = TimeSpan.Zero, ExitWhenSourceCompletes = false,
        }) { IsFixedTimeStep = false };
        Assert.True(window.NeedsRedraw);             // nothing shown yet

        viewer.Tick();                               // draws frame 0 and presents it
        Assert.False(window.NeedsRedraw);
        viewer.Tick();                               // nothing new, nothing lost: no draw
        Assert.Equal(1, viewer.DrawCount);

        window.Resize(200, 150);
        Assert.True(PollUntil(window, () => window.NeedsRedraw), "no resize event arrived from the X server");
        viewer.Tick();                               // the same frame again, at the new size
        Assert.Equal(2, viewer.DrawCount);
        Assert.False(window.NeedsRedraw);
        Assert.Equal((200, 150), (window.Width, window.Height));
    }

    private static bool PollUntil(GlfwWindow window, Func<bool> condition)
    {
        // The resize is a round trip through the X server: poll for a while, not once.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            window.PollEvents();
            if (condition()) return true;
            Thread.Sleep(10);
        }
        return false;
    }
}
