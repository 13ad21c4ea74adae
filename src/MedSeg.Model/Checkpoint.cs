using TorchSharp;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace MedSeg.Model;

/// <summary>
/// Checkpoint file: "MEDSEGCK", format version (int32), JSON length (int32), UTF-8 JSON
/// <see cref="CheckpointInfo"/>, then the state dict in TorchSharp's binary format.
/// </summary>
public static class Checkpoint
{
    private static readonly byte[] s_magic = "MEDSEGCK"u8.ToArray();
    private const int FormatVersion = 1;
    private const int MaxJsonBytes = 1 << 20;

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        // A refit's log rows have no validation metrics (NaN), and a fingerprint without structures no width.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Save(string path, UNet model, CheckpointInfo info)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // Written beside and renamed: a crash or a full disk mid-save never leaves a half-written best.ckpt.
        Core.IO.OutputFile.WriteReplacing(path, fs =>
        {
            using var w = new BinaryWriter(fs, System.Text.Encoding.UTF8, leaveOpen: true);
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(info with { Model = model.Options }, JsonOptions);
            w.Write(s_magic);
            w.Write(FormatVersion);
            w.Write(json.Length);
            w.Write(json);
            model.save(w);
        });
    }

    public static CheckpointInfo ReadInfo(string path)
    {
        using var fs = OpenRead(path);
        using var r = new BinaryReader(fs);
        return ReadHeader(r, path);
    }

    /// <summary>Builds the model described by the checkpoint and loads its weights.</summary>
    public static (UNet Model, CheckpointInfo Info) Load(string path, Device? device = null)
    {
        using var fs = OpenRead(path);
        using var r = new BinaryReader(fs);
        var info = ReadHeader(r, path);
        var model = new UNet(info.Model);
        LoadWeights(r, model, path);
        if (device != null) model.to(device);
        return (model, info);
    }

    /// <summary>Loads the checkpoint's weights into an existing model; a different architecture is a clear error.</summary>
    public static CheckpointInfo LoadInto(string path, UNet model)
    {
        using var fs = OpenRead(path);
        using var r = new BinaryReader(fs);
        var info = ReadHeader(r, path);
        if (!info.Model.SameArchitecture(model.Options))
            throw new CheckpointMismatchException(path,
                $"it holds a {info.Model.Describe()}, but the model being loaded is a {model.Options.Describe()}");
        LoadWeights(r, model, path);
        return info;
    }

    /// <summary>SHA-256 of the file, hex: names the exact weights in reports and recordings.</summary>
    public static string Hash(string path)
    {
        using var fs = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }

    private static FileStream OpenRead(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint not found: {path}", path);
        return File.OpenRead(path);
    }

    private static CheckpointInfo ReadHeader(BinaryReader r, string path)
    {
        try
        {
            byte[] magic = r.ReadBytes(s_magic.Length);
            if (!magic.AsSpan().SequenceEqual(s_magic))
                throw new InvalidDataException($"{path}: not a MedSeg checkpoint (bad magic)");
            int version = r.ReadInt32();
            if (version != FormatVersion)
                throw new InvalidDataException($"{path}: checkpoint format version {version} is not supported (this build reads {FormatVersion})");
            int len = r.ReadInt32();
            if (len <= 0 || len > MaxJsonBytes)
                throw new InvalidDataException($"{path}: checkpoint header length {len} is out of range");
            byte[] json = r.ReadBytes(len);
            if (json.Length != len) throw new InvalidDataException($"{path}: checkpoint header is truncated");
            return JsonSerializer.Deserialize<CheckpointInfo>(json, JsonOptions)
                   ?? throw new InvalidDataException($"{path}: empty checkpoint header");
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: checkpoint is truncated", e);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: checkpoint header is not valid: {e.Message}", e);
        }
    }

    private static void LoadWeights(BinaryReader r, UNet model, string path)
    {
        try
        {
            model.load(r, strict: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or EndOfStreamException or IOException)
        {
            throw new CheckpointMismatchException(path, $"its weights do not fit a {model.Options.Describe()}: {e.Message}", e);
        }
    }
}

/// <summary>A checkpoint that does not fit the model it is loaded into.</summary>
public sealed class CheckpointMismatchException(string path, string reason, Exception? inner = null)
    : Exception($"{path}: {reason}", inner)
{
    public string Path { get; } = path;
}
