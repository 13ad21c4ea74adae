using System.Text;
using MessagePack;

namespace MedSeg.Core.Recording;

/// <summary>
/// MessagePack reading with the limits of <see cref="RecordingReaderOptions"/>: every map and
/// array steps <see cref="MessagePackSecurity.UntrustedData"/>'s depth guard, lengths are checked
/// before anything is allocated, and unknown values are skipped by a depth-bounded walk
/// (MessagePackReader.Skip recurses without a limit, so deep nesting could overflow the stack).
/// </summary>
internal ref struct BoundedReader
{
    public MessagePackReader R;
    private readonly RecordingReaderOptions _o;
    private readonly MessagePackSecurity _security;

    public BoundedReader(ReadOnlyMemory<byte> payload, RecordingReaderOptions options, MessagePackSecurity security)
    {
        R = new MessagePackReader(payload);
        _o = options;
        _security = security;
    }

    public static MessagePackSecurity Security(RecordingReaderOptions o) =>
        MessagePackSecurity.UntrustedData.WithMaximumObjectGraphDepth(o.MaxDepth);

    /// <summary>Reads a map header and enters it; call <see cref="Leave"/> after its entries.</summary>
    public int EnterMap(string what)
    {
        if (R.NextMessagePackType != MessagePackType.Map) throw Bad($"{what} must be a map, found {R.NextMessagePackType}");
        _security.DepthStep(ref R);
        return Count(R.ReadMapHeader(), what);
    }

    /// <summary>Reads an array header and enters it; call <see cref="Leave"/> after its items.</summary>
    public int EnterArray(string what)
    {
        if (R.NextMessagePackType != MessagePackType.Array) throw Bad($"{what} must be an array, found {R.NextMessagePackType}");
        _security.DepthStep(ref R);
        return Count(R.ReadArrayHeader(), what);
    }

    public void Leave() => R.Depth--;

    // `what` names the value in error messages; a `suffix` (".w", " key") is appended only when an
    // error is raised, so reading a valid record builds no strings.

    /// <summary>A string's UTF-8 bytes (a slice of the payload, no copy); empty for nil.</summary>
    public ReadOnlySpan<byte> Utf8(string what, string suffix = "")
    {
        if (R.TryReadNil()) return default;
        if (R.NextMessagePackType != MessagePackType.String) throw Bad($"{what}{suffix} must be a string, found {R.NextMessagePackType}");
        var seq = R.ReadStringSequence()!.Value;
        if (seq.Length > _o.MaxStringBytes) throw Bad($"{what}{suffix} is a string of {seq.Length} bytes (limit {_o.MaxStringBytes})");
        return seq.FirstSpan;
    }

    public string String(string what) => Encoding.UTF8.GetString(Utf8(what));

    public long Int(string what, string suffix = "")
    {
        if (R.NextMessagePackType != MessagePackType.Integer) throw Bad($"{what}{suffix} must be an integer, found {R.NextMessagePackType}");
        return R.ReadInt64();
    }

    public int Int32(string what, int min, int max, string suffix = "")
    {
        long v = Int(what, suffix);
        if (v < min || v > max) throw Bad($"{what}{suffix} = {v} is out of range [{min}, {max}]");
        return (int)v;
    }

    /// <summary>A float or an integer, as a double.</summary>
    public double Double(string what)
    {
        return R.NextMessagePackType switch
        {
            MessagePackType.Float => R.ReadDouble(),
            MessagePackType.Integer => R.ReadInt64(),
            var t => throw Bad($"{what} must be a number, found {t}"),
        };
    }

    public bool Bool(string what)
    {
        if (R.NextMessagePackType != MessagePackType.Boolean) throw Bad($"{what} must be a boolean, found {R.NextMessagePackType}");
        return R.ReadBoolean();
    }

    /// <summary>A bin value (a slice of the payload, no copy).</summary>
    public ReadOnlySpan<byte> Bin(string what, string suffix = "")
    {
        if (R.NextMessagePackType != MessagePackType.Binary) throw Bad($"{what}{suffix} must be binary, found {R.NextMessagePackType}");
        return R.ReadBytes()!.Value.FirstSpan;
    }

    /// <summary>Skips one value of any type, nesting bounded by the depth guard.</summary>
    public void Skip()
    {
        switch (R.NextMessagePackType)
        {
            case MessagePackType.Map:
                {
                    int n = EnterMap("value");
                    for (int i = 0; i < n; i++)
                    {
                        Skip();
                        Skip();
                    }
                    Leave();
                    break;
                }
            case MessagePackType.Array:
                {
                    int n = EnterArray("value");
                    for (int i = 0; i < n; i++) Skip();
                    Leave();
                    break;
                }
            case MessagePackType.Unknown:
                throw Bad($"invalid MessagePack code 0x{R.NextCode:x2}");
            default:
                R.Skip(); // a scalar, string, bin or ext: no recursion
                break;
        }
    }

    public readonly InvalidDataException Bad(string reason) => new($"{reason} (payload byte {R.Consumed})");

    private readonly int Count(int n, string what)
    {
        if (n < 0 || n > _o.MaxCollectionLength) throw Bad($"{what} has {n} entries (limit {_o.MaxCollectionLength})");
        return n;
    }
}
