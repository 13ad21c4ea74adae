using System.Buffers.Binary;
using CsCheck;
using MedSeg.Core.Frames;
using MedSeg.Core.Recording;

namespace MedSeg.Cli.Tests.Errors;

/// <summary>
/// The error contract under generated damage: sessions written by the project's own writer, cut,
/// flipped or given extreme length fields, through `medseg info` and `medseg score`. Every run
/// exits 0 or 2 (never 70, never a trace), and an exit 2 names the file.
/// </summary>
[Collection("console")]
public sealed class CliDamageTests : IDisposable
{
    private const int Size = 16;
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-clidamage-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task InfoAndScore_DamagedSession_Exit0Or2NamingTheFile()
    {
        byte[] valid = File.ReadAllBytes(WriteSession(Path.Combine(_dir, "valid.msgpack")));
        string path = Path.Combine(_dir, "case.msgpack");
        var damage = Gen.OneOf(
            Gen.Int[0, valid.Length - 1].Select(at => (Func<byte[], byte[]>)(b => b[..at])),
            Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Byte[1, 255]).Array[1, 6].Select(flips => (Func<byte[], byte[]>)(b =>
            {
                var c = (byte[])b.Clone();
                foreach (var (at, xor) in flips) c[at] ^= xor;
                return c;
            })),
            Gen.Select(Gen.Int[0, valid.Length - 4], Gen.OneOf(Gen.Const(0x7FFF_FFFFu), Gen.Const(0xFFFF_FFFFu), Gen.Const(0x8000_0000u))).Select(f => (Func<byte[], byte[]>)(b =>
            {
                var c = (byte[])b.Clone();
                BinaryPrimitives.WriteUInt32LittleEndian(c.AsSpan(f.Item1), f.Item2);
                return c;
            })));
        long iterations = long.TryParse(Environment.GetEnvironmentVariable("MEDSEG_FUZZ_ITER"), out long n) && n > 0 ? n : 25;
        await damage.SampleAsync(async d =>
        {
            await File.WriteAllBytesAsync(path, d(valid));
            foreach (string[] args in new[] { new[] { "info", path }, ["score", path, "--out", Path.Combine(_dir, "score")] })
            {
                var (code, output) = await CliRunner.RunAsync(args);
                Assert.True(code is 0 or 2, $"{args[0]} exit {code}: {output}");
                Assert.DoesNotContain("   at ", output);
                if (code == 2) Assert.Contains("case.msgpack", output);
            }
        }, iter: iterations, threads: 1);
    }

    private static string WriteSession(string path)
    {
        var header = new SessionHeader { Source = "damage test", Width = Size, Height = Size, MaskWidth = Size, MaskHeight = Size, ClassNames = ["background", "lesion"] };
        using var writer = RecordingWriter.Create(path, header, new RecordingWriterOptions());
        var pixels = new byte[Size * Size];
        var labels = new byte[Size * Size];
        for (long seq = 0; seq < 6; seq++)
        {
            for (int i = 0; i < labels.Length; i++) (pixels[i], labels[i]) = ((byte)(i + seq), (byte)((i + seq) % 7 == 0 ? 1 : 0));
            writer.Append(new FrameData
            {
                Seq = seq, Timestamp = TimeSpan.FromMilliseconds(seq * 40), Flags = FrameFlags.HasGroundTruth, Width = Size, Height = Size,
                Pixels = pixels, MaskWidth = Size, MaskHeight = Size, Labels = labels, GroundTruth = labels,
            });
        }
        writer.Complete();
        return path;
    }
}
