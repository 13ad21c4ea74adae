using System.Diagnostics;
using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Core.Recording;
using MedSeg.Imaging.Formats.Dicom;
using MedSeg.Pipeline.Sources;

namespace MedSeg.Cli.Tests.Export;

/// <summary>
/// The issue's done-when case: a CT replayed from a DICOM series (shuffled files, InstanceNumber
/// backwards) exports a NIfTI label volume that nibabel reads with the scan's shape and affine,
/// and DICOM SEGs (binary and fractional) that dciodvfy passes and dcmtk reads.
/// </summary>
[Collection("console")]
public sealed class VolumeExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-volume-export-").FullName;

    public void Dispose() { if (Environment.GetEnvironmentVariable("MEDSEG_KEEP_TEST_DIR") is null) Directory.Delete(_dir, recursive: true); }

    private string P(string name) => Path.Combine(_dir, name);

    [Fact]
    public async Task DicomSeries_ExportsNiftiMatchingNibabel_AndSegsDciodvfyPasses()
    {
        Run("/usr/bin/python3", Script("ct_series.py"), _dir);
        string session = P("ct.msgpack");
        await RecordThresholdSession(P("dcm"), session);

        var (code, output) = await CliRunner.RunAsync("info", session);
        Assert.True(code == 0, output);
        Assert.Contains("12 frame(s) in 1 volume(s)", output);
        Assert.Contains("0.75×0.8×2.5 mm", output);

        (code, output) = await CliRunner.RunAsync("export", session, "--out", P("nii"), "--format", "nifti", "--masks", "Predictions");
        Assert.True(code == 0, output);
        string check = Run("/usr/bin/python3", Script("check_nifti.py"), P("nii/volume-01.nii.gz"), P("ct.nii.gz"));
        Assert.Contains("data equal True", check);

        foreach (var (folder, extra, type) in new[] { ("seg", "--masks", "BINARY"), ("segf", "--fractional", "FRACTIONAL") })
        {
            string[] args = extra == "--fractional"
                ? ["export", session, "--out", P(folder), "--format", "dicom-seg", "--masks", "Predictions", "--fractional"]
                : ["export", session, "--out", P(folder), "--format", "dicom-seg", "--masks", "Predictions", "--reference", P("dcm")];
            (code, output) = await CliRunner.RunAsync(args);
            Assert.True(code == 0, output);
            string seg = P($"{folder}/volume-01.seg.dcm");
            string verdict = Run("dciodvfy", seg, allowFailure: true);
            Assert.DoesNotContain("Error", verdict);
            if (extra == "--masks") Assert.DoesNotContain("Patient ID", verdict);   // copied from the source series with --reference
            Run("dcm2json", seg);                                                  // dcmtk parses the whole object
            Assert.Contains("12 frames, 12 source slices, segment 'lesion', 0 mismatches", Run("/usr/bin/python3", Script("check_seg.py"), seg, P("dcm")));
            string dump = Run("dcmdump", "+P", "0062,0005", "+P", "0062,0001", "+P", "0028,0008", "+P", "0062,000d", "+P", "0008,1155", seg);
            Assert.Contains("[lesion]", dump);
            if (extra == "--masks") Assert.Contains("[Phantom^CT]", Run("dcmdump", "+P", "0010,0010", seg));
            Assert.Contains($"[{type}]", dump);
            Assert.Contains("[12]", dump);                                    // one frame per slice of the one segment
            Assert.Contains("(0062,000d) US 42630\\18841\\44020", dump, StringComparison.OrdinalIgnoreCase); // #3cb44b in CIELab
            using var series = DicomSeries.Open(P("dcm"));
            foreach (var f in series.Files) Assert.Contains(f.SopInstanceUid, dump); // every source slice referenced
        }
    }

    [Fact]
    public async Task DicomSeries_RecordedThroughTheModel_KeepsItsGeometry_AndExportsOntoTheScan()
    {
        Run("/usr/bin/python3", Script("ct_series.py"), _dir);
        string model = CliRunner.TinyCheckpoint(P("tiny.ckpt")), session = P("model.msgpack");
        var (code, output) = await CliRunner.RunAsync("record", "--model", model, "--source", $"dicom:{P("dcm")}?fps=0", "--out", session,
                                                      "--mode", "All", "--threads", "1", "--device", "cpu");
        Assert.True(code == 0, output);
        var (_, summary) = Commands.InfoCommand.Run(session);
        Assert.Equal((12L, 12L, 1, 2u), (summary.Frames, summary.FramesWithGeometry, summary.Volumes, summary.FormatVersion));
        // The model sees 32×32; the export brings its labels back to the scan's 40×32 grid and affine.
        (code, output) = await CliRunner.RunAsync("export", session, "--out", P("nii"), "--format", "nifti", "--masks", "Predictions");
        Assert.True(code == 0, output);
        Run("/usr/bin/python3", Script("check_nifti.py"), P("nii/volume-01.nii.gz"), P("ct.nii.gz"), "--geometry-only");
        (code, output) = await CliRunner.RunAsync("export", session, "--out", P("seg"), "--format", "dicom-seg", "--masks", "Predictions");
        Assert.True(code == 0, output);
        Assert.DoesNotContain("Error", Run("dciodvfy", P("seg/volume-01.seg.dcm"), allowFailure: true));
        // A session without geometry is refused for volume formats, with the reason.
        (code, output) = await CliRunner.RunAsync("export", Path.Combine(Recording.ChildBuild.RepoRoot(), "recordings", "sample-lesion.msgpack"), "--out", P("none"), "--format", "nifti");
        Assert.Equal(Commands.CommandErrors.BadInput, code);
        Assert.Contains("no frame carries patient geometry", output.ReplaceLineEndings(" ").Replace("  ", " "));
    }

    /// <summary>Replays the series through the real source; labels are HU &gt; 0 (the NIfTI check knows the rule).</summary>
    private static async Task RecordThresholdSession(string series, string session)
    {
        using var pool = new FramePool();
        using var source = new SliceStackSource(DicomSeries.Open(series), new ReplayOptions { Fps = 0 }, pool);
        var channel = Channel.CreateUnbounded<Frame>();
        await source.RunAsync(channel.Writer, CancellationToken.None);
        channel.Writer.Complete();
        var header = new SessionHeader
        {
            // The frame size is declared (a 0×0 header followed by frames reads as damaged).
            Width = source.Stack.Width, Height = source.Stack.Height, PixelFormat = source.Stack.Format,
            Source = source.Description, ClassNames = ["background", "lesion"], ClassColors = ["#000000", "#3cb44b"],
            Model = new RecordedModel("threshold", "none", "00", "{}"),
        };
        using var writer = RecordingWriter.Create(session, header, new RecordingWriterOptions { Probabilities = true, Fsync = FsyncPolicy.None });
        await foreach (var frame in channel.Reader.ReadAllAsync())
        {
            using (frame)
            {
                Assert.True(frame.Info.Geometry.IsKnown, frame.Info.Geometry.Note);
                var hu = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(frame.Pixels);
                frame.AllocateOutputs(frame.Info.Width, frame.Info.Height);
                for (int i = 0; i < hu.Length; i++)
                {
                    frame.Labels[i] = hu[i] > 0 ? (byte)1 : (byte)0;
                    frame.Foreground[i] = hu[i] > 0 ? 0.9f : 0.1f;
                }
                writer.Append(frame);
            }
        }
    }

    private static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Export", name);

    private static string Run(string program, params string[] args) => Run(program, false, args);

    private static string Run(string program, string a, bool allowFailure) => Run(program, allowFailure, a);

    private static string Run(string program, bool allowFailure, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        string all = stdout + stderr.Result;
        if (!allowFailure) Assert.True(p.ExitCode == 0, $"{program} {string.Join(' ', args)} exited {p.ExitCode}:\n{all}");
        return all;
    }
}
