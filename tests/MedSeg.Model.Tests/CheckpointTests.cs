using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using static TorchSharp.torch;

namespace MedSeg.Model.Tests;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CheckpointInfo Info(UNet net) => new()
    {
        Model = net.Options,
        Preprocess = new PreprocessOptions { Width = 32, Height = 32, Normalization = Normalization.Window, WindowLow = -160, WindowHigh = 240 },
        Dataset = "synthetic:lesion",
        Epoch = 7,
        Metric = "val_dice",
        MetricValue = 0.93,
    };

    [Fact]
    public void SaveLoad_RoundTrip_GivesIdenticalOutputs()
    {
        manual_seed(3);
        using var net = new UNet(new UNetOptions { ClassNames = ["background", "a", "b"], Depth = 2, BaseWidth = 4, Upsampling = Upsampling.Bilinear });
        net.eval();
        string path = Path.Combine(_dir, "m.ckpt");
        Checkpoint.Save(path, net, Info(net));

        var (loaded, info) = Checkpoint.Load(path);
        using var _ = loaded;
        loaded.eval();
        using var x = randn(2, 1, 32, 32);
        using var a = net.forward(x);
        using var b = loaded.forward(x);
        Assert.True(a.equal(b).all().item<bool>(), "outputs differ after a checkpoint round trip");
        Assert.Equal(["background", "a", "b"], info.Model.ClassNames);
        Assert.Equal(Upsampling.Bilinear, info.Model.Upsampling);
        Assert.Equal(Normalization.Window, info.Preprocess.Normalization);
        Assert.Equal(-160, info.Preprocess.WindowLow);
        Assert.Equal(7, info.Epoch);
    }

    [Fact]
    public void LoadInto_DifferentArchitecture_ThrowsClearMismatch()
    {
        using var net = new UNet(new UNetOptions { Depth = 2, BaseWidth = 4 });
        string path = Path.Combine(_dir, "m.ckpt");
        Checkpoint.Save(path, net, Info(net));
        using var other = new UNet(new UNetOptions { Depth = 2, BaseWidth = 8 });
        var e = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.LoadInto(path, other));
        Assert.Contains("m.ckpt", e.Message);
        Assert.Contains("base 4", e.Message);
        Assert.Contains("base 8", e.Message);
    }

    [Fact]
    public void Load_NotACheckpoint_NamesFile()
    {
        string path = Path.Combine(_dir, "junk.ckpt");
        File.WriteAllBytes(path, "definitely not a checkpoint"u8.ToArray());
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));
        Assert.Contains("junk.ckpt", e.Message);
    }

    [Fact]
    public void Load_TruncatedWeights_IsAMismatchNotACrash()
    {
        using var net = new UNet(new UNetOptions { Depth = 2, BaseWidth = 4 });
        string path = Path.Combine(_dir, "m.ckpt");
        Checkpoint.Save(path, net, Info(net));
        byte[] all = File.ReadAllBytes(path);
        File.WriteAllBytes(path, all[..(all.Length / 2)]);
        var e = Assert.ThrowsAny<Exception>(() => Checkpoint.Load(path));
        Assert.True(e is CheckpointMismatchException or InvalidDataException, e.GetType().Name);
        Assert.Contains("m.ckpt", e.Message);
    }

    [Fact]
    public void Hash_ChangesWithWeights()
    {
        using var a = new UNet(new UNetOptions { Depth = 1, BaseWidth = 2 });
        using var b = new UNet(new UNetOptions { Depth = 1, BaseWidth = 2 });
        string pa = Path.Combine(_dir, "a.ckpt"), pb = Path.Combine(_dir, "b.ckpt");
        var info = Info(a) with { Created = DateTimeOffset.UnixEpoch };
        Checkpoint.Save(pa, a, info);
        Checkpoint.Save(pb, b, info);
        Assert.Matches("^[0-9a-f]{64}$", Checkpoint.Hash(pa));
        Assert.NotEqual(Checkpoint.Hash(pa), Checkpoint.Hash(pb));
    }
}
