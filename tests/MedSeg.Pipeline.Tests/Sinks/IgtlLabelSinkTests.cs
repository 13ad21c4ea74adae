using MedSeg.Core.Frames;
using MedSeg.Imaging.Preprocess;
using MedSeg.Pipeline.Sinks;
using MedSeg.Pipeline.Sources.Igtl;
using MedSeg.Pipeline.Tests.Sources;
using MedSeg.Pipeline.Tests.Support;

namespace MedSeg.Pipeline.Tests.Sinks;

public sealed class IgtlLabelSinkTests
{
    [IgtlFact]
    public async Task Pipeline_RealImagerServer_SendsALabelMapBackForEveryFrame()
    {
        int port = IgtlExamples.FreePort();
        var server = IgtlExamples.Start(IgtlExamples.ImagerServer, port.ToString(), "50", IgtlExamples.ImageDir);
        try
        {
            using var pool = new FramePool();
            var source = new IgtlSource(new IgtlSourceOptions { Host = "127.0.0.1", Port = port, Frames = 12, BackoffInitial = TimeSpan.FromMilliseconds(50) }, pool);
            var sink = new IgtlLabelSink(source);
            using var engine = new ThresholdEngine(32, 32, maxBatch: 2);
            var pipeline = PipelineBuilder.Build(new PipelineOptions
            {
                Mode = PipelineMode.All, MaxBatch = 2,
                Preprocess = new PreprocessOptions { Width = 32, Height = 32 },
            }, engine, source, [sink]);
            var report = await pipeline.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Null(report.Fault);
            Assert.Equal(12, report.FramesOut);
            var edge = report.Sinks.Single(s => s.Name == sink.Name);
            Assert.Equal(12, edge.Delivered);
            // Dropped counts the Latest edge's drops plus maps the sink could not send: the rest went out.
            Assert.Equal(edge.Delivered - edge.Dropped, source.LabelMapsSent);
            Assert.True(source.LabelMapsSent > 0, "no label map went back to the server");
        }
        finally
        {
            IgtlExamples.Stop(server.Process);
        }
    }
}
