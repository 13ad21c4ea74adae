using MedSeg.Core.Frames;
using MedSeg.Core.Recording;

// Usage: KillChild FILE none|every|N
// Appends 64×64 frames (image, prediction, 8-bit probabilities, ground truth) as fast as it can,
// until it is killed. Prints "recording" once the header is on disk. Safety net for a parent that
// never kills it: past 64 MB it stops writing and exits when its standard input closes.
string path = args[0];
var (policy, every) = args.Length > 1 ? args[1] switch
{
    "none" => (FsyncPolicy.None, 1),
    "every" => (FsyncPolicy.EveryRecord, 1),
    var n => (FsyncPolicy.EveryN, int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)),
} : (FsyncPolicy.None, 1);
const int Size = 64;
var header = new SessionHeader { Source = "kill test", Width = Size, Height = Size, MaskWidth = Size, MaskHeight = Size };
var writer = RecordingWriter.Create(path, header, new RecordingWriterOptions { Probabilities = true, Fsync = policy, FsyncEvery = every });
Console.WriteLine("recording");
Console.Out.Flush();
var rng = new Random(1);
var pixels = new byte[Size * Size];
var labels = new byte[Size * Size];
var fg = new float[Size * Size];
for (long seq = 0; ; seq++)
{
    if (writer.BytesWritten > 64 << 20)
    {
        Console.In.ReadToEnd();
        return 3;
    }
    rng.NextBytes(pixels);
    for (int i = 0; i < labels.Length; i++)
    {
        int x = i % Size, y = i / Size;
        bool inside = (x - 20 - seq % 24) * (x - 20 - seq % 24) + (y - 32) * (y - 32) < 100;
        labels[i] = inside ? (byte)1 : (byte)0;
        fg[i] = inside ? 0.9f : 0.1f;
    }
    writer.Append(new FrameData
    {
        Seq = seq, Timestamp = TimeSpan.FromMilliseconds(seq * 40), Flags = FrameFlags.HasGroundTruth, Width = Size, Height = Size,
        Pixels = pixels, MaskWidth = Size, MaskHeight = Size, Labels = labels, Foreground = fg, GroundTruth = labels,
        Times = new StageTimes { Captured = StageTimes.Now(), Recorded = StageTimes.Now() },
    });
}
