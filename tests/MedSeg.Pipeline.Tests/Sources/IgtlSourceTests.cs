using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Pipeline.Sources.Igtl;
using MedSeg.Pipeline.Tests.Support;

namespace MedSeg.Pipeline.Tests.Sources;

public sealed class IgtlSourceTests : IDisposable
{
    private readonly FramePool _pool = new();

    [Fact]
    public void Crc64Ecma_StandardCheckValue() =>
        Assert.Equal(0x6C40DF5F0B497347UL, Crc64Ecma.Compute("123456789"u8));

    [IgtlFact]
    public async Task RunAsync_RealImagerServer_FramesMatchTheRawFilesAndSurviveDropsAndAKill()
    {
        int port = IgtlExamples.FreePort();
        var server = IgtlExamples.Start(IgtlExamples.ImagerServer, port.ToString(), "200", IgtlExamples.ImageDir);
        var source = new IgtlSource(Options(port), _pool);
        var output = Channel.CreateUnbounded<Frame>();
        using var stop = new CancellationTokenSource();
        var run = source.RunAsync(output.Writer, stop.Token);
        try
        {
            // ImagerServer sends igtlTestImage1..5.raw in turn, 256×256 uint8, on each new connection.
            for (int k = 0; k < 6; k++)
            {
                using var frame = await output.Reader.ReadAsync().AsTask().WaitAsync(Channels.Patience);
                Assert.Equal((256, 256, PixelFormat.Gray8, (long)k), (frame.Info.Width, frame.Info.Height, frame.Info.Format, frame.Info.Seq));
                byte[] raw = File.ReadAllBytes(Path.Combine(IgtlExamples.ImageDir, $"igtlTestImage{k % 5 + 1}.raw"));
                Assert.True(raw.AsSpan().SequenceEqual(frame.Pixels), $"frame {k} differs from igtlTestImage{k % 5 + 1}.raw");
                // Its placement too: 1 × 1 mm pixels, identity RAS directions, the image centred on the origin (the IMAGE matrix's convention).
                var g = frame.Info.Geometry;
                Assert.True(g.IsKnown, g.Note);
                Assert.Equal((1.0, 1.0, "ImagerClient"), (g.ColumnSpacing, g.RowSpacing, g.VolumeId));
                Assert.True(g.World(127.5, 127.5).Length < 1e-6 && (g.RowDirection - new Vec3(-1, 0, 0)).Length < 1e-6, $"{g.World(127.5, 127.5)} {g.RowDirection}");
            }
            Assert.Equal(0, source.CrcErrors);

            // ImagerServer closes each connection after 100 images and waits for the next client:
            // a real server-side drop, which the source must survive by reconnecting on its own.
            await WaitUntil(() => source.Connections >= 2);
            while (output.Reader.TryRead(out var old)) old.Dispose();
            using (var after = await output.Reader.ReadAsync().AsTask().WaitAsync(Channels.Patience))
                Assert.Equal(256, after.Info.Width);
            Assert.True(source.Reconnects >= 1);

            // Killed outright: the source keeps retrying with backoff inside RunAsync, it does not end.
            // (A replacement ImagerServer cannot bind the same port while it sits in TIME_WAIT, as the
            // example sets no SO_REUSEADDR; reconnecting to a new server is covered by the CRC test's server.)
            IgtlExamples.Stop(server.Process);
            long before = source.Reconnects;
            await WaitUntil(() => source.Reconnects >= before + 2);
            Assert.False(run.IsCompleted, "the source must reconnect inside RunAsync, not end");
        }
        finally
        {
            stop.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Channels.Patience));
            IgtlExamples.Stop(server.Process);
            while (output.Reader.TryRead(out var f)) f.Dispose();
        }
        Assert.Equal(0, _pool.Outstanding);
    }

    [IgtlFact]
    public async Task StartImageAndDescribedLabels_RealReceiveServer_GetsSttImage_ThenLbmetaAndColortBeforeTheMap()
    {
        int port = IgtlExamples.FreePort();
        var server = IgtlExamples.Start(IgtlExamples.ReceiveServer, port.ToString());
        var source = new IgtlSource(Options(port) with { StartImage = true }, _pool);
        source.DescribeLabels(["background", "lesion"], [(0, 0, 0), (60, 180, 75)]);
        var output = Channel.CreateUnbounded<Frame>();
        using var stop = new CancellationTokenSource();
        var run = source.RunAsync(output.Writer, stop.Token);
        try
        {
            await WaitUntil(() => Log(server.Log).Contains("Receiving : STT_IMAGE"));
            Assert.True(await source.SendLabelMapAsync(new byte[32 * 24], 32, 24));
            Assert.True(await source.SendLabelMapAsync(new byte[32 * 24], 32, 24));
            await WaitUntil(() => Log(server.Log).Split("Receiving IMAGE data type.").Length == 3);
            string log = Log(server.Log);
            // Names and colours once per connection, before the first map (ReceiveServer skips types it does not print).
            Assert.True(log.IndexOf("Receiving : LBMETA", StringComparison.Ordinal) is var meta && meta >= 0 && meta < log.IndexOf("(32, 24, 1)", StringComparison.Ordinal), log);
            Assert.Single(log.Split('\n'), l => l.Contains("Receiving : LBMETA"));
            Assert.Single(log.Split('\n'), l => l.Contains("Receiving : COLORT"));
        }
        finally
        {
            stop.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Channels.Patience));
            IgtlExamples.Stop(server.Process);
        }
    }

    [IgtlFact]
    public async Task SendLabelMapAsync_RealReceiveServer_AcceptsTheImageAndItsCrc()
    {
        int port = IgtlExamples.FreePort();
        var server = IgtlExamples.Start(IgtlExamples.ReceiveServer, port.ToString());
        var source = new IgtlSource(Options(port), _pool);
        var output = Channel.CreateUnbounded<Frame>();
        using var stop = new CancellationTokenSource();
        var run = source.RunAsync(output.Writer, stop.Token);
        try
        {
            await WaitUntil(() => source.IsConnected);
            var labels = Enumerable.Range(0, 64 * 48).Select(i => (byte)(i % 3)).ToArray();

            Assert.True(await source.SendLabelMapAsync(labels, 64, 48));

            // ReceiveServer prints the image only after Unpack(1) verified the CRC.
            await WaitUntil(() => Log(server.Log).Contains("(64, 48, 1)"));
            Assert.Contains("MedSegLabels", Log(server.Log));
            Assert.Equal(1, source.LabelMapsSent);
        }
        finally
        {
            stop.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Channels.Patience));
            IgtlExamples.Stop(server.Process);
        }
    }

    [Fact]
    public async Task RunAsync_BadCrcAndAbsurdSize_SkippedCountedAndStreamGoesOn()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        ulong t0 = IgtlHeader.FromTime(TimeSpan.FromSeconds(1_700_000_000));
        var server = Task.Run(async () =>
        {
            using (var first = await listener.AcceptTcpClientAsync())
            {
                var s = first.GetStream();
                await s.WriteAsync(Image(t0, 1));
                var corrupt = Image(t0 + (1UL << 31), 2);
                corrupt[^1] ^= 0xFF; // last pixel flipped after the CRC was computed
                await s.WriteAsync(corrupt);
                await s.WriteAsync(Image(t0 + (1UL << 31), 3)); // +0.5 s
                var absurd = new byte[IgtlHeader.Size];
                new IgtlHeader(1, "IMAGE", "Probe", t0, 1UL << 40, 0).Write(absurd);
                await s.WriteAsync(absurd);
                await s.FlushAsync();
                await Task.Delay(200); // let the client see it before the close
            }
            using var second = await listener.AcceptTcpClientAsync();
            await second.GetStream().WriteAsync(Image(t0 + (1UL << 32), 4));
            await Task.Delay(2000);
        });
        var source = new IgtlSource(Options(port) with { Frames = 3 }, _pool);
        var output = Channels.Unbounded<Frame>();

        await source.RunAsync(output.Writer, CancellationToken.None).WaitAsync(Channels.Patience);
        output.Writer.Complete();

        var frames = await Channels.ReadAllAsync(output.Reader);
        Assert.Equal([1, 3, 4], frames.Select(f => (int)f.Pixels[0])); // big-endian 0x00,id swapped to id,0x00
        Assert.Equal([0.0, 0.5, 1.0], frames.Select(f => Math.Round(f.Info.Timestamp.TotalSeconds, 3)));
        Assert.All(frames, f => Assert.Equal((3, 2, PixelFormat.Gray16), (f.Info.Width, f.Info.Height, f.Info.Format)));
        Assert.Equal((ushort)0x0203, BitConverter.ToUInt16(frames[0].Pixels[2..4])); // second pixel 0x02,0x03 big-endian → swapped
        Assert.Equal((1L, 1L, 2L, 2L), (source.CrcErrors, source.OversizeMessages, source.Connections, source.Problems.Total));
        Assert.Contains(source.Problems.Examples(), p => p.Reason.Contains("CRC"));
        Assert.Contains(source.Problems.Examples(), p => p.Reason.Contains("absurd body size"));
        foreach (var f in frames) f.Dispose();
        await server.WaitAsync(Channels.Patience);
    }

    [Fact]
    public async Task RunAsync_RefusedThenStoppedMidHeaderThenFrames_StatusSaysEachAndFrameLimitCountsAcrossReconnects()
    {
        // A port with nothing behind it first: the listener is created, its port noted, and only started later.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var source = new IgtlSource(Options(port) with { Frames = 3, MessageTimeout = TimeSpan.FromMilliseconds(300) }, _pool);
        var output = Channels.Unbounded<Frame>();
        var run = source.RunAsync(output.Writer, CancellationToken.None);
        await WaitUntil(() => source.Status?.StartsWith("refused", StringComparison.Ordinal) == true || source.Problems.Events().Any(e => e.StartsWith("refused", StringComparison.Ordinal)));

        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        ulong t0 = IgtlHeader.FromTime(TimeSpan.FromSeconds(1_700_000_000));
        var server = Task.Run(async () =>
        {
            using (var first = await listener.AcceptTcpClientAsync())
            {
                var s = first.GetStream();
                await s.WriteAsync(Image(t0, 1));
                await s.WriteAsync(Image(t0, 2).AsMemory(0, 20)); // and then silence, connection open
                await Task.Delay(3000);
            }
            using var second = await listener.AcceptTcpClientAsync();
            await second.GetStream().WriteAsync(Image(t0, 3));
            await second.GetStream().WriteAsync(Image(t0, 4));
            await Task.Delay(3000);
        });

        await run.WaitAsync(Channels.Patience); // ends: 3 frames given, across the reconnect
        output.Writer.Complete();
        var frames = await Channels.ReadAllAsync(output.Reader);
        Assert.Equal([1, 3, 4], frames.Select(f => (int)f.Pixels[0]));
        Assert.Equal(3, source.Frames);
        var events = source.Problems.Events();
        Assert.Contains(events, e => e.StartsWith("refused", StringComparison.Ordinal) && e.Contains("reconnecting in"));
        Assert.Contains(events, e => e.Contains("stopped mid-header (20 of 58 bytes"));
        Assert.Equal(2, events.Count(e => e == "connected"));
        foreach (var f in frames) f.Dispose();
        listener.Stop();
    }

    [Fact]
    public void IgtlImageHeader_WriteThenParse_RoundTrips()
    {
        var header = new IgtlImageHeader { ScalarType = IgtlImageHeader.UInt16, Size = [3, 2, 1], SubSize = [3, 2, 1], Matrix = [1, 0, 0, 0, -1, 0, 0, 0, 1, 5, 6, 7] };
        var bytes = new byte[IgtlImageHeader.Length];
        header.Write(bytes);

        var parsed = IgtlImageHeader.Parse(bytes);

        Assert.Equal(header.Matrix, parsed.Matrix);
        Assert.Equal((header.ScalarType, 12L), (parsed.ScalarType, parsed.PixelBytes));
    }

    // A 3×2 uint16 big-endian image whose first pixel is `id` and second 0x0203.
    private static byte[] Image(ulong timestamp, byte id)
    {
        var header = new IgtlImageHeader { ScalarType = IgtlImageHeader.UInt16, Endian = IgtlImageHeader.EndianBig, Size = [3, 2, 1], SubSize = [3, 2, 1], Matrix = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0] };
        byte[] pixels = [0, id, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0];
        var message = new byte[IgtlImageMessage.LengthOf(header)];
        IgtlImageMessage.Write(message, "Probe", timestamp, header, pixels);
        return message;
    }

    private static IgtlSourceOptions Options(int port) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        BackoffInitial = TimeSpan.FromMilliseconds(50),
        BackoffMax = TimeSpan.FromMilliseconds(400),
    };

    private static string Log(System.Text.StringBuilder log)
    {
        lock (log) return log.ToString();
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Channels.Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(20);
        }
    }

    public void Dispose() => _pool.Dispose();
}
