using MedSeg.Imaging.Formats;
using MedSeg.Pipeline;

namespace MedSeg.Cli.Tests.Errors;

/// <summary>The one error contract, through the real entry point: exit class, the file or option named, one line.</summary>
[Collection("console")]
public sealed class ErrorContractTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-errors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Ckpt() => CliRunner.TinyCheckpoint(Path.Combine(_dir, "tiny.ckpt"));

    [Theory]
    [InlineData("--threads", "-3")]
    [InlineData("--max-batch", "0")]
    [InlineData("--threshold", "1.5")]
    [InlineData("--smooth", "7")]
    public async Task Stream_OutOfRangeOption_Exit2NamingTheOptionAndRange(string option, string value)
    {
        var (code, output) = await CliRunner.RunAsync("stream", "--model", Ckpt(), option, value);
        Assert.Equal(2, code);
        Assert.Contains($"{option} {value}", output);
        Assert.Contains("allowed range", output);
    }

    [Theory]
    [InlineData("train", "--epochs", "0")]
    [InlineData("train", "--batch-size", "-1")]
    [InlineData("train", "--val-fraction", "1.5")]
    [InlineData("train", "--lr", "-0.1")]
    [InlineData("eval", "--batch-size", "0")]
    [InlineData("bench", "--iterations", "0")]
    [InlineData("bench", "--sizes", "-128")]
    [InlineData("bench", "--streams", "0")]
    public async Task TrainEvalBench_OutOfRangeOption_Exit2NamingTheOptionAndRange(string command, string option, string value)
    {
        // Refused while parsing, before any data set, model or benchmark is touched.
        string[] required = command switch
        {
            "train" => ["--data", "synthetic:lesion"],
            "eval" => ["--data", "synthetic:lesion", "--model", Ckpt()],
            _ => [],
        };
        var (code, output) = await CliRunner.RunAsync([command, .. required, option, value]);
        Assert.Equal(2, code);
        Assert.Contains($"{option} {value}", output);
        Assert.Contains("allowed range", output);
    }

    [Fact]
    public async Task Bench_StreamsNotANumber_Exit2NamingIt()
    {
        var (code, output) = await CliRunner.RunAsync("bench", "--streams", "1,two");
        Assert.Equal(2, code);
        Assert.Contains("--streams two", output);
    }

    [Theory]
    [InlineData("stream", "--max-batch", "abc")]        // not a number: the range check must not throw over it
    [InlineData("stream", "--engine", "tpu")]           // words outside the list, named as typed on one line
    [InlineData("record", "--image-codec", "jpeg")]
    [InlineData("score", "--hd95-convention", "mean")]
    [InlineData("train", "--budget", "-1")]
    public async Task BadValue_Exit2OneLineNamingTheOptionWithoutTrace(string command, string option, string value)
    {
        string[] required = command switch
        {
            "stream" => ["--model", Ckpt()],
            "record" => ["--model", Ckpt(), "--out", Path.Combine(_dir, "r.msgpack")],
            "score" => [Path.Combine(_dir, "x.msgpack")],
            "train" => ["--data", "synthetic:lesion"],
            _ => [],
        };
        var (code, output) = await CliRunner.RunAsync([command, .. required, option, value]);
        Assert.Equal(2, code);
        var error = Assert.Single(output.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains(option, error);
        Assert.Contains(value, error);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task Video_Opacity5_Refused()
    {
        var (code, output) = await CliRunner.RunAsync("video", Path.Combine(_dir, "x.msgpack"), "--opacity", "5");
        Assert.Equal(2, code);
        Assert.Contains("--opacity 5", output);
    }

    [Theory]
    [InlineData("stream")]
    [InlineData("record")]
    public async Task MissingRequiredOrUnknownOption_Exit2NamingIt(string command)
    {
        var (code, output) = await CliRunner.RunAsync(command, "--bogus-option");
        Assert.Equal(2, code);
        Assert.Contains("--model", output);
        Assert.Contains("--bogus-option", output);
    }

    [Fact]
    public async Task Stream_EmptyDicomFolder_Exit2NamingTheFolderWithoutTrace()
    {
        string empty = Directory.CreateDirectory(Path.Combine(_dir, "empty")).FullName;
        var (code, output) = await CliRunner.RunAsync("stream", "--model", Ckpt(), "--source", $"dicom:{empty}");
        Assert.Equal(2, code);
        Assert.Contains(empty, output);
        Assert.DoesNotContain("   at ", output); // no stack trace
    }

    [Fact]
    public async Task Stream_ReportUnderAFile_Exit2NamingThePath()
    {
        string notADir = Path.Combine(_dir, "file.txt");
        File.WriteAllText(notADir, "x");
        string report = Path.Combine(notADir, "report.json");
        var (code, output) = await CliRunner.RunAsync("stream", "--model", Ckpt(), "--source", "synthetic:lesion?fps=0&frames=2&size=32", "--report", report);
        Assert.Equal(2, code);
        Assert.Contains("file.txt", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public void Report_OurBug_Exit70WithTraceAndReportRequest()
    {
        var error = new StringWriter();
        int code;
        try { throw new NullReferenceException("boom"); }
        catch (Exception e) { code = CliErrorContract.Report(e, error); }
        Assert.Equal(70, code);
        Assert.Contains("boom", error.ToString());
        Assert.Contains("   at ", error.ToString());
        Assert.Contains("report", error.ToString());
    }

    [Fact]
    public void Report_UserErrorInsidePipeline_Exit2OneLineNamingStageAndFile()
    {
        var error = new StringWriter();
        var cause = new MedicalFormatException("/data/ct/slice7.dcm", "truncated", 1234);
        int code = CliErrorContract.Report(new PipelineException("source", cause, null), error);
        Assert.Equal(2, code);
        string line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("source: /data/ct/slice7.dcm: at byte 1234: truncated", line);
    }

    [Fact]
    public void Report_OptionsRecordRange_NamesTheOptionAsTyped()
    {
        var error = new StringWriter();
        int code = CliErrorContract.Report(new ArgumentOutOfRangeException("MaxBatch", 0, "must be 1–1024"), error);
        Assert.Equal(2, code);
        Assert.Contains("--max-batch 0: must be 1–1024", error.ToString());
        Assert.DoesNotContain("MaxBatch", error.ToString());
    }

    /// <summary>
    /// Values the parse-time ranges let through and a record or the session spec refuses later:
    /// the refusal must still name the option as typed, never the property or spec key behind it.
    /// </summary>
    [Theory]
    [InlineData("train", "--size", "33", "multiples of 16")]
    [InlineData("train", "--size", "40x33", "multiples of 16")]
    [InlineData("train", "--size", "4", "multiples of 16, e.g. 16)")]
    [InlineData("train", "--base", "3", "even")]
    [InlineData("train", "--depth", "7", "allowed range")]
    [InlineData("train", "--threshold", "1", "(0, 1)")]
    [InlineData("eval", "--threshold", "0", "(0, 1)")]
    [InlineData("export-onnx", "--threshold", "1", "(0, 1)")]
    [InlineData("export-onnx", "--opset", "99", "13")]
    [InlineData("stream", "--threshold", "1", "(0, 1)")]
    [InlineData("record", "--threshold", "0", "(0, 1)")]
    public async Task LateRefusal_NamesTheOptionAsTypedAndTheAllowedValues(string command, string option, string value, string allowed)
    {
        string ckpt = Ckpt();
        string[] args = command switch
        {
            "train" => ["train", "--data", "synthetic:lesion?n=8&size=32", "--no-plan", "--epochs", "1", "--out", Path.Combine(_dir, "train")],
            "eval" => ["eval", "--model", ckpt, "--data", "synthetic:lesion?n=4&size=32", "--out", Path.Combine(_dir, "eval")],
            "export-onnx" => ["export-onnx", ckpt, "--out", Path.Combine(_dir, "m.onnx")],
            "stream" => ["stream", "--model", ckpt, "--source", "synthetic:lesion?fps=0&frames=2&size=32"],
            "record" => ["record", "--model", ckpt, "--source", "synthetic:lesion?fps=0&frames=2&size=32", "--out", Path.Combine(_dir, "r.msgpack")],
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
        };
        var (code, output) = await CliRunner.RunAsync([.. args, option, value]);
        Assert.True(code == 2, output);
        string error = Assert.Single(output.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.StartsWith($"error: {option} ", error);
        Assert.Contains(allowed, error);
        foreach (string inner in (string[])["--preprocess", "--width", "--base-width", "engine.", "Parameter"])
            Assert.DoesNotContain(inner, error);
    }

    /// <summary>A value that does not parse: one line naming the option and what to type, never the CLR type behind it.</summary>
    [Theory]
    [InlineData("--epochs", "abc", "as a whole number")]
    [InlineData("--threshold", "half", "as a number")]
    [InlineData("--lr", "fast", "as a number")]
    [InlineData("--dice-on", "sideways", "as BinaryDice")]
    public async Task Parse_ValueOfTheWrongType_SaysWhatToType(string option, string value, string expected)
    {
        var (code, output) = await CliRunner.RunAsync("train", "--data", "synthetic:lesion?n=8&size=32", "--out", Path.Combine(_dir, "t"), option, value);
        Assert.True(code == 2, output);
        string error = Assert.Single(output.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains($"'{option}'", error);
        Assert.Contains(expected, error);
        Assert.DoesNotContain("System.", error);
        Assert.DoesNotContain("Nullable", error);
    }

    [Theory]
    [InlineData("sources: []\n", "sources: at least one source")]
    [InlineData("sources:\n  - uri: ''\n", "sources[0].uri is empty")]
    [InlineData("sources:\n  - uri: 'synthetic:lesion'\n    mode: sideways\n", "sources[0].mode 'sideways'")]
    [InlineData("sources:\n  - uri: 'synthetic:lesion'\nbatcher:\n  maxBatch: 0\n", "batcher.maxBatch 0: must be 1–1024")]
    public async Task Run_SpecValueRefused_NamesFileAndKeyOnce(string yaml, string expected)
    {
        string spec = Path.Combine(_dir, "spec.yaml");
        File.WriteAllText(spec, yaml);
        var (code, output) = await CliRunner.RunAsync("run", spec, "--model", Ckpt());
        Assert.Equal(2, code);
        string error = Assert.Single(output.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.StartsWith($"error: {spec}: {expected}", error);
        string key = expected.Split([' ', ':'], 2)[0];
        Assert.Equal(1, (error.Length - error.Replace(key, "", StringComparison.Ordinal).Length) / key.Length);
    }
}
