using MedSeg.Core.IO;

namespace MedSeg.Core.Tests.IO;

/// <summary>Write faults name the file being written and say why; no half-written file is left under the real name.</summary>
public sealed class OutputFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-outputfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void For_NoSpaceLeft_NamesTheFileOnceAndSaysDiskFull()
    {
        // What .NET throws for ENOSPC on Linux: the errno as HResult, the path at the end of the message.
        var e = OutputFault.For("/data/out/report.json", new IOException("No space left on device : '/data/out/report.json'", 28));
        Assert.Equal("/data/out/report.json", e.Path);
        Assert.Equal(OutputFault.DiskFull, e.Reason);
        Assert.Equal(1, CountOf(e.Message, "/data/out/report.json"));
    }

    [Fact]
    public void For_ArgumentOutOfRangeOfOurOwn_IsNotAWriteFault()
    {
        Assert.False(OutputFault.IsWriteFault(new ArgumentOutOfRangeException("value", "a bug of ours, not the disk")));
    }

    [Fact]
    public void WriteAllText_FolderMissing_NamesTheFile()
    {
        string path = Path.Combine(_dir, "no-such-folder", "report.json");
        var e = Assert.Throws<OutputWriteException>(() => OutputFile.WriteAllText(path, "{}"));
        Assert.Equal(path, e.Path);
        Assert.StartsWith(path + ": cannot write: ", e.Message);
    }

    [Fact]
    public void WriteReplacing_FaultMidWrite_KeepsTheOldFileRemovesTheCopyAndNamesTheRealPath()
    {
        string path = Path.Combine(_dir, "model.onnx");
        File.WriteAllText(path, "old");
        var e = Assert.Throws<OutputWriteException>(() => OutputFile.WriteReplacing(path, s =>
        {
            s.Write("new, half of it"u8);
            throw OutputFault.For(path + ".tmp", new IOException("No space left on device", 28));
        }));
        Assert.Equal(path, e.Path);
        Assert.Equal(OutputFault.DiskFull, e.Reason);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Write_FaultMidWrite_RemovesThePartialFile()
    {
        string path = Path.Combine(_dir, "samples.png");
        Assert.Throws<OutputWriteException>(() => OutputFile.Write(path, s =>
        {
            s.Write("partial"u8);
            throw OutputFault.For(path, new IOException("No space left on device", 28));
        }));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void WriteAllBytes_Writes()
    {
        string path = Path.Combine(_dir, "a.bin");
        OutputFile.WriteAllBytes(path, [1, 2, 3]);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
    }

    private static int CountOf(string s, string part) => (s.Length - s.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
