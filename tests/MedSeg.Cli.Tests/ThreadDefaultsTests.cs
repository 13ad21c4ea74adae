using System.CommandLine;
using MedSeg.Cli.Commands;

namespace MedSeg.Cli.Tests;

/// <summary>Streaming commands leave a core to the pipeline's own threads unless told otherwise (README, "One torch thread").</summary>
public sealed class ThreadDefaultsTests
{
    public static TheoryData<string> Streaming => new() { "stream", "record", "replay", "demo" };

    [Theory]
    [MemberData(nameof(Streaming))]
    public void StreamingCommand_DefaultTorchThreads_AreCoresMinusOne(string name)
    {
        var result = Find(name).Parse([]);
        Assert.Equal(Math.Max(1, Environment.ProcessorCount - 1), result.GetValue<int>("--threads"));
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public void StreamingCommand_ExplicitThreads_Win(string name) =>
        Assert.Equal(3, Find(name).Parse(["--threads", "3"]).GetValue<int>("--threads"));

    [Fact]
    public void Train_DefaultTorchThreads_AreLibtorchsOwn() =>
        Assert.Equal(0, TrainCommand.Create().Parse([]).GetValue<int>("--threads"));

    private static Command Find(string name) => name switch
    {
        "stream" => StreamCommand.Create(),
        "record" => RecordCommand.Create(),
        "replay" => ReplayCommand.Create(),
        "demo" => DemoCommand.Create(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
