using System;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Tools;
using CrossLMM.Zoo.Tools.Inference;

namespace CrossLMM.Zoo.Cli.Tests.Commands;

/// <summary>Refusals before allocation, and inputs that must not be read as ffprobe options.</summary>
public class InferenceGuardTests
{
    [Fact]
    public void Run_HugeFrameCount_IsRefusedBeforeAllocating()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var line = ZooCommand.Run("run", "crosslmm", "--frames", "100000")
            .AssertOneLineError(1, "the sequence needs 900028 positions (900000 visual tokens for 100000 frames + 28 text tokens in the LLM stream), over the model's limit of 8192 (llm.max_positions)");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}: {line}");
    }

    [Fact]
    public void Run_131kCharacterPrompt_IsRefusedBeforeAllocating()
    {
        string prompt = new('x', 131_000);
        ZooCommand.Run("run", "crosslmm", "--prompt", prompt).AssertOneLineError(1, "131001 text tokens in the LLM stream), over the model's limit of 8192");
    }

    [Fact]
    public void WorkingMemory_OverTheAvailable_IsOneLineNamingTheEstimate()
    {
        var e = Assert.Throws<ZooUserException>(() => InferenceGuards.EnsureWorkingMemoryFits(long.MaxValue / 4, "a test"));
        Assert.Matches(@"^the run would need about [0-9.]+ GiB \(a test\), over 80% of the [0-9.]+ GiB available$", e.Message);
        var llm = new LanguageModelConfig(LanguageModelKind.Qwen2, 32, 2, 4, 2, 64, 100, 1e4, 1e-6, true, 1 << 20);
        Assert.True(InferenceGuards.PrefillBytes(llm, 150_000) > 4L * 4 * 150_000L * 150_000);   // the h·S·S scores dominate
    }

    [Fact]
    public void Video_NamedLikeAnOption_IsReadAsAFile()
    {
        using var dir = new TempDir();
        File.Move(TestVideo.Create(dir.File("testsrc.mp4")), dir.File("-report"));
        string previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = dir.Path;
            var r = ZooCommand.Run("run", "crosslmm", "--video=-report", "--frames", "2");
            Assert.True(r.Code == 0, r.Err);
            Assert.Contains("video: -report (1.00 s, 25 frames", r.Out);
            Assert.Empty(Directory.GetFiles(dir.Path, "*.log"));   // ffprobe's -report would have written ffprobe-….log
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [Fact]
    public void Svg_IntoAMissingDirectory_CreatesIt()
    {
        using var dir = new TempDir();
        string svg = Path.Combine(dir.Path, "charts", "new", "flops.svg");
        var r = ZooCommand.Run("cost", "crosslmm", "--frames", "8", "--svg", svg);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("<svg", File.ReadAllText(svg));
    }
}
