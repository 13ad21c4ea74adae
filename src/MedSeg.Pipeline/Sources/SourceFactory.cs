using MedSeg.Core.Frames;
using MedSeg.Core.Specs;
using MedSeg.Imaging.Formats;
using MedSeg.Imaging.Formats.Dicom;
using MedSeg.Imaging.Formats.Nifti;
using MedSeg.Imaging.Formats.Tiff;
using MedSeg.Imaging.Phantoms;
using MedSeg.Pipeline.Sources.Igtl;
using Microsoft.Extensions.Logging;

namespace MedSeg.Pipeline.Sources;

/// <summary>Turns a <c>--source</c> spec into a source: <c>scheme:rest?key=value&amp;…</c>.</summary>
public static class SourceFactory
{
    private static readonly string[] s_supported = ["synthetic", "dicom", "nifti", "tiff", "folder", "video", "igtl", "recording", "scanconvert"];
    private static readonly string[] s_replayKeys = ["fps", "play", "loop", "pingpong", "frames"];

    /// <summary>
    /// Specs understood now (every replay also takes <c>fps=25&amp;play=once|loop|pingpong&amp;frames=0</c>, <c>loop</c> / <c>pingpong</c> as shorthands):
    /// <list type="bullet">
    /// <item><c>synthetic:lesion|lungs|mri?fps=25&amp;frames=1000&amp;size=128&amp;seed=1</c> (<c>&amp;prescan=1</c>: ultrasound pre-scan frames)</item>
    /// <item><c>scanconvert:SPEC</c>: SPEC's pre-scan frames scan-converted with the sector their geometry carries</item>
    /// <item><c>dicom:DIR|FILE</c>: a series folder or one (multi-frame) file</item>
    /// <item><c>nifti:FILE?axis=z&amp;volume=0</c>: .nii / .nii.gz, sliced along x, y or z</item>
    /// <item><c>tiff:FILE|DIR</c>: a multi-page TIFF, or a folder of .tif/.tiff files</item>
    /// <item><c>folder:DIR</c>: the images of a folder in natural order</item>
    /// <item><c>video:FILE|DEVICE_INDEX|URL?fps=&amp;loop&amp;gray&amp;live=&amp;frames=&amp;backoff=250&amp;maxbackoff=8000</c> (ms)</item>
    /// <item><c>recording:FILE.msgpack?speed=1|fps=25|max=1&amp;repeat=1&amp;frames=0</c>: a recorded session (see recordings/FORMAT.md)</item>
    /// <item><c>igtl://host:port?device=NAME&amp;frames=0&amp;maxbody=67108864&amp;labels=MedSegLabels&amp;backoff=250&amp;maxbackoff=8000&amp;timeout=5000</c> (timeout: ms for the rest of a message once it began)</item>
    /// </list>
    /// </summary>
    /// <exception cref="ArgumentException">An unknown scheme, task or key, or a malformed value.</exception>
    /// <exception cref="MedicalFormatException">The file or folder cannot be opened; the message names it and says why.</exception>
    public static IFrameSource Create(string spec, FramePool pool) => Create(spec, pool, null);

    /// <summary>
    /// Whether a spec names a live source (synthetic, video, cameras, OpenIGTLink: show the newest
    /// frame, drop the oldest when behind) rather than a replay (slice stacks, recordings: wait,
    /// skip nothing). The one place that decides a stream's default edge policy.
    /// </summary>
    public static bool IsLive(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        string scheme = Scheme(spec);
        // A scan-converted source is as live as the source it converts.
        if (scheme == "scanconvert") return IsLive(spec[(scheme.Length + 1)..]);
        return scheme is not ("dicom" or "nifti" or "tiff" or "folder" or "recording");
    }

    private static string Scheme(string spec)
    {
        int colon = spec.IndexOf(':');
        if (colon <= 0) throw new ArgumentException($"source '{spec}' has no scheme; expected e.g. synthetic:lesion?fps=25", nameof(spec));
        return spec[..colon].ToLowerInvariant();
    }

    public static IFrameSource Create(string spec, FramePool pool, ILogger? logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        ArgumentNullException.ThrowIfNull(pool);
        string scheme = Scheme(spec), rest = spec[(scheme.Length + 1)..];
        switch (scheme)
        {
            case "synthetic": return new SyntheticSource(ParseSynthetic(rest), pool);
            // Wraps any source of pre-scan frames (their geometry names the sector): the pipeline sees Cartesian frames.
            case "scanconvert": return new ScanConvertedSource(Create(rest, pool, logger), pool);
            case "video": return new VideoSource(ParseVideo(rest), pool, logger);
            case "igtl": return new IgtlSource(ParseIgtl(rest), pool, logger);
            case "recording": return Recording.RecordingSource.FromSpec(rest, pool);
            case "dicom" or "nifti" or "tiff" or "folder":
                var (target, query) = SpecQuery.Split(scheme, rest);
                if (target.Length == 0) throw new ArgumentException($"{scheme}: needs a path, e.g. {scheme}:/data/ct", nameof(spec));
                var stack = OpenStack(scheme, target, query);
                try
                {
                    var replay = ParseReplay(query);
                    query.EnsureConsumed([.. s_replayKeys, .. scheme == "nifti" ? new[] { "axis", "volume" } : []]);
                    return new SliceStackSource(stack, replay, pool, logger);
                }
                catch
                {
                    stack.Dispose();
                    throw;
                }
        }
        throw new ArgumentException($"unknown source scheme '{scheme}:'; supported: {string.Join(", ", s_supported.Select(s => s + ":"))}", nameof(spec));
    }

    private static ISliceStack OpenStack(string scheme, string target, SpecQuery query)
    {
        switch (scheme)
        {
            case "dicom": return DicomSeries.Open(target);
            case "nifti":
                string axis = query.GetString("axis")?.ToLowerInvariant() ?? "z";
                int axisIndex = axis switch
                {
                    "x" or "0" or "sagittal" => 0,
                    "y" or "1" or "coronal" => 1,
                    "z" or "2" or "axial" => 2,
                    _ => throw new ArgumentException($"nifti option axis={axis} is not x, y or z", "spec"),
                };
                int volume = query.Get<int>("volume") ?? 0;
                if (volume < 0) throw new ArgumentOutOfRangeException("volume", volume, "must be ≥ 0");
                return NiftiVolume.OpenStreaming(target, axisIndex, volume);
            case "tiff":
                return Directory.Exists(target) ? ImageFolderStack.Open(target, [".tif", ".tiff"]) : TiffStack.Open(target);
            default:
                return ImageFolderStack.Open(target);
        }
    }

    internal static ReplayOptions ParseReplay(SpecQuery query)
    {
        var playback = Playback.Once;
        if (query.GetString("play") is { } play)
            playback = Enum.TryParse<Playback>(play, ignoreCase: true, out var p) && Enum.IsDefined(p)
                ? p : throw new ArgumentException($"play={play} is not once, loop or pingpong", "spec");
        if (query.GetBool("loop") == true) playback = Playback.Loop;
        if (query.GetBool("pingpong") == true) playback = Playback.PingPong;
        var options = new ReplayOptions { Playback = playback };
        if (query.Get<double>("fps") is { } fps) options = options with { Fps = fps };
        if (query.Get<long>("frames") is { } frames) options = options with { Frames = frames };
        return SourceOptionsValidation.Validated("replay", options.Validate);
    }

    public static VideoSourceOptions ParseVideo(string rest)
    {
        var (target, query) = SpecQuery.Split("video", rest);
        if (target.Length == 0) throw new ArgumentException("video: needs a file, a camera index or a URL, e.g. video:0 or video:clip.mp4", "spec");
        var options = new VideoSourceOptions
        {
            Target = target,
            Fps = query.Get<double>("fps"),
            Loop = query.GetBool("loop") ?? false,
            Gray = query.GetBool("gray") ?? query.GetBool("grey") ?? false,
            Live = query.GetBool("live"),
            Frames = query.Get<long>("frames") ?? 0,
        };
        if (query.Get<int>("backoff") is { } b) options = options with { BackoffInitial = TimeSpan.FromMilliseconds(b) };
        if (query.Get<int>("maxbackoff") is { } mb) options = options with { BackoffMax = TimeSpan.FromMilliseconds(mb) };
        if (query.Get<int>("retries") is { } r) options = options with { MaxReconnects = r };
        query.EnsureConsumed("fps", "loop", "gray", "live", "frames", "backoff", "maxbackoff", "retries");
        return SourceOptionsValidation.Validated("video", options.Validate);
    }

    public static IgtlSourceOptions ParseIgtl(string rest)
    {
        var (target, query) = SpecQuery.Split("igtl", rest);
        if (!target.StartsWith("//", StringComparison.Ordinal) || !Uri.TryCreate("igtl:" + target, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw new ArgumentException($"igtl source 'igtl:{target}' is not igtl://host:port", "spec");
        var options = new IgtlSourceOptions
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.Port > 0 ? uri.Port : 18944,
            Device = query.GetString("device"),
            Frames = query.Get<long>("frames") ?? 0,
        };
        if (query.Get<long>("maxbody") is { } mb) options = options with { MaxBodyBytes = mb };
        if (query.GetString("labels") is { } labels) options = options with { LabelDevice = labels };
        if (query.Get<int>("backoff") is { } b) options = options with { BackoffInitial = TimeSpan.FromMilliseconds(b) };
        if (query.Get<int>("maxbackoff") is { } m) options = options with { BackoffMax = TimeSpan.FromMilliseconds(m) };
        if (query.Get<int>("retries") is { } r) options = options with { MaxReconnects = r };
        if (query.Get<int>("timeout") is { } t) options = options with { MessageTimeout = TimeSpan.FromMilliseconds(t) };
        if (query.GetBool("start") is { } start) options = options with { StartImage = start };
        query.EnsureConsumed("device", "frames", "maxbody", "labels", "backoff", "maxbackoff", "retries", "timeout", "start");
        return SourceOptionsValidation.Validated("igtl", options.Validate);
    }

    public static SyntheticSourceOptions ParseSynthetic(string rest)
    {
        var (taskName, query) = SpecQuery.Split("synthetic", rest);
        var options = new SyntheticSourceOptions();
        if (taskName.Length > 0)
        {
            if (!Enum.TryParse<SyntheticTask>(taskName, ignoreCase: true, out var task) || !Enum.IsDefined(task))
                throw new ArgumentException($"unknown synthetic task '{taskName}'; expected one of {string.Join(", ", Enum.GetNames<SyntheticTask>().Select(n => n.ToLowerInvariant()))}", nameof(rest));
            options = options with { Task = task };
        }
        if (query.Get<double>("fps") is { } fps) options = options with { Fps = fps };
        if (query.Get<long>("frames") is { } frames) options = options with { Frames = frames };
        if (query.Get<int>("size") is { } size) options = options with { Size = size };
        if (query.Get<int>("seed") is { } seed) options = options with { Seed = seed };
        if (query.Get<int>("loop") is { } loop) options = options with { Loop = loop };
        if (query.GetBool("prescan") is { } prescan) options = options with { PreScan = prescan };
        query.EnsureConsumed("fps", "frames", "size", "seed", "loop", "prescan");
        return SourceOptionsValidation.Validated("synthetic", options.Validate);
    }
}
