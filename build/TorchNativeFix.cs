#nullable enable
// MSBuild inline task (RoslynCodeTaskFactory, see TorchNativeFix.targets). It is compiled by
// MSBuild at build time against netstandard2.0, with no package references: no spans here.
using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class MedSegTorchNativeFix : Task
{
    private const string MissingVersion = "GLIBCXX_3.4.32";
    private const string Symbol = "_ZSt21ios_base_library_initv";
    private const string ShimName = "libmedseg_stdcxx_shim.so";
    private const ushort VerFlagWeak = 0x2;
    private const ushort VerNdxGlobal = 1;

    [Required] public string Library { get; set; } = "";
    [Required] public string ShimSource { get; set; } = "";

    public override bool Execute()
    {
        string? system = FindSystemLibStdCxx();
        if (system == null)
        {
            Log.LogMessage(MessageImportance.Low, "MedSeg: no system libstdc++.so.6 found; TorchSharp left as shipped.");
            return true;
        }
        if (Contains(File.ReadAllBytes(system), Encoding.ASCII.GetBytes(MissingVersion + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, $"MedSeg: {system} provides {MissingVersion}; TorchSharp left as shipped.");
            return true;
        }

        string dir = Path.GetDirectoryName(Library)!;
        string shim = Path.Combine(dir, ShimName);
        byte[] elf = File.ReadAllBytes(Library);
        if (IsPatched(elf))
        {
            if (!File.Exists(shim) && !Run("g++", $"-shared -fPIC -O2 -o \"{shim}\" \"{ShimSource}\"")) return false;
            return true;
        }

        Log.LogMessage(MessageImportance.High, $"MedSeg: {system} lacks {MissingVersion}; patching {Library}");
        if (!Run("g++", $"-shared -fPIC -O2 -o \"{shim}\" \"{ShimSource}\"")) return false;
        if (!HasNeeded(elf, ShimName) && !Run("patchelf", $"--add-needed {ShimName} \"{Library}\"")) return false;

        elf = File.ReadAllBytes(Library);
        try
        {
            Patch(elf);
        }
        catch (InvalidDataException e)
        {
            Log.LogError($"MedSeg: cannot patch {Library}: {e.Message}");
            return false;
        }
        string tmp = Library + ".tmp";
        File.WriteAllBytes(tmp, elf);
        File.Copy(tmp, Library, overwrite: true);
        File.Delete(tmp);
        return true;
    }

    private bool Run(string tool, string args)
    {
        var psi = new ProcessStartInfo(tool, args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        try
        {
            using var p = Process.Start(psi)!;
            string err = p.StandardError.ReadToEnd();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode == 0) return true;
            Log.LogError($"MedSeg: '{tool} {args}' failed ({p.ExitCode}): {err.Trim()}");
            return false;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            string pkg = tool == "g++" ? "g++" : tool;
            Log.LogError($"MedSeg: '{tool}' is needed to make TorchSharp load on this system (libstdc++ lacks {MissingVersion}). " +
                         $"Install it: apt-get install -y {pkg}   (scripts/setup.sh does this).");
            return false;
        }
    }

    private static string? FindSystemLibStdCxx()
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        };
        foreach (var c in candidates)
            if (File.Exists(c)) return c;
        return null;
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int k = 0;
            while (k < needle.Length && haystack[i + k] == needle[k]) k++;
            if (k == needle.Length) return true;
        }
        return false;
    }

    // ---- minimal ELF64 little-endian reader: only what the three edits need ----

    private readonly struct Section
    {
        public Section(long offset, long size, int link, long entSize) { Offset = offset; Size = size; Link = link; EntSize = entSize; }
        public long Offset { get; }
        public long Size { get; }
        public int Link { get; }
        public long EntSize { get; }
    }

    private static ushort U16(byte[] b, long o) => BitConverter.ToUInt16(b, (int)o);
    private static uint U32(byte[] b, long o) => BitConverter.ToUInt32(b, (int)o);
    private static long I64(byte[] b, long o) => BitConverter.ToInt64(b, (int)o);

    private static void Put16(byte[] b, long o, ushort v)
    {
        b[o] = (byte)v;
        b[o + 1] = (byte)(v >> 8);
    }

    private static string CStr(byte[] b, long o)
    {
        int end = (int)o;
        while (end < b.Length && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, (int)o, end - (int)o);
    }

    private static Section[] Sections(byte[] b, out string[] names, out uint[] types)
    {
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F' || b[4] != 2 || b[5] != 1)
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        long shoff = I64(b, 0x28);
        int shentsize = U16(b, 0x3A), shnum = U16(b, 0x3C), shstrndx = U16(b, 0x3E);
        var secs = new Section[shnum];
        var nameOffsets = new uint[shnum];
        types = new uint[shnum];
        for (int i = 0; i < shnum; i++)
        {
            long h = shoff + (long)i * shentsize;
            nameOffsets[i] = U32(b, h);
            types[i] = U32(b, h + 4);
            secs[i] = new Section(I64(b, h + 0x18), I64(b, h + 0x20), (int)U32(b, h + 0x28), I64(b, h + 0x38));
        }
        names = new string[shnum];
        for (int i = 0; i < shnum; i++) names[i] = CStr(b, secs[shstrndx].Offset + nameOffsets[i]);
        return secs;
    }

    private static int Find(string[] names, string name)
    {
        int i = Array.IndexOf(names, name);
        if (i < 0) throw new InvalidDataException($"section {name} not found");
        return i;
    }

    private static bool HasNeeded(byte[] b, string lib)
    {
        var secs = Sections(b, out var names, out _);
        var dyn = secs[Find(names, ".dynamic")];
        var str = secs[dyn.Link];
        for (long o = dyn.Offset; o < dyn.Offset + dyn.Size; o += 16)
        {
            long tag = I64(b, o);
            if (tag == 0) break;
            if (tag == 1 && CStr(b, str.Offset + I64(b, o + 8)) == lib) return true;
        }
        return false;
    }

    /// <summary>Offset of vna_flags of the Vernaux entry naming <see cref="MissingVersion"/>, or -1.</summary>
    private static long VernauxFlagsOffset(byte[] b, Section[] secs, string[] names)
    {
        var vr = secs[Find(names, ".gnu.version_r")];
        var str = secs[vr.Link];
        long vn = vr.Offset;
        while (true)
        {
            int cnt = U16(b, vn + 2);
            long aux = vn + U32(b, vn + 8);
            for (int k = 0; k < cnt; k++)
            {
                if (CStr(b, str.Offset + U32(b, aux + 8)) == MissingVersion) return aux + 4;
                uint next = U32(b, aux + 12);
                if (next == 0) break;
                aux += next;
            }
            uint vnNext = U32(b, vn + 12);
            if (vnNext == 0) return -1;
            vn += vnNext;
        }
    }

    private static long VersymOffset(byte[] b, Section[] secs, string[] names)
    {
        var dynsym = secs[Find(names, ".dynsym")];
        var str = secs[dynsym.Link];
        var versym = secs[Find(names, ".gnu.version")];
        long count = dynsym.Size / 24;
        for (long i = 0; i < count; i++)
            if (CStr(b, str.Offset + U32(b, dynsym.Offset + i * 24)) == Symbol) return versym.Offset + i * 2;
        return -1;
    }

    private static bool IsPatched(byte[] b)
    {
        var secs = Sections(b, out var names, out _);
        long flags = VernauxFlagsOffset(b, secs, names);
        long vs = VersymOffset(b, secs, names);
        return HasNeeded(b, ShimName)
            && (flags < 0 || (U16(b, flags) & VerFlagWeak) != 0)
            && (vs < 0 || U16(b, vs) == VerNdxGlobal);
    }

    private static void Patch(byte[] b)
    {
        var secs = Sections(b, out var names, out _);
        long flags = VernauxFlagsOffset(b, secs, names);
        if (flags >= 0) Put16(b, flags, (ushort)(U16(b, flags) | VerFlagWeak));
        long vs = VersymOffset(b, secs, names);
        if (vs >= 0) Put16(b, vs, VerNdxGlobal);
    }
}
