using CrossLMM.Zoo.Cli.Tests.Support;

namespace CrossLMM.Zoo.Cli.Tests.Commands;

public class HelpAndErrorTests
{
    public static TheoryData<string> Commands => new() { "list", "show", "check", "cost", "bench", "run", "compare" };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_EveryCommand_ShowsUsageAndExamples(string command)
    {
        var r = ZooCommand.Run(command, "--help");
        Assert.Equal(0, r.Code);
        Assert.Contains("Usage:", r.Out);
        Assert.Contains("Examples:", r.Out);
        Assert.Contains($"  zoo {command}", r.Out);
        Assert.Equal(string.Empty, r.Err);
    }

    [Fact]
    public void NoArguments_ShowsRootHelpWithEveryCommand()
    {
        var r = ZooCommand.Run();
        Assert.Equal(0, r.Code);
        foreach (var command in new[] { "list", "show", "check", "cost", "bench", "run", "compare" })
        {
            Assert.Contains(command, r.Out);
        }

        Assert.Contains("zoo compare", r.Out);
    }

    [Fact]
    public void HelpCommand_IsASynonymOfTheHelpOption()
    {
        var viaCommand = ZooCommand.Run("help", "cost");
        var viaOption = ZooCommand.Run("cost", "--help");
        Assert.Equal(0, viaCommand.Code);
        Assert.Equal(viaOption.Out, viaCommand.Out);
    }

    [Fact]
    public void UnknownCommand_OneLineAndExit2() =>
        ZooCommand.Run("frobnicate").AssertOneLineError(2, "zoo: error: unknown command 'frobnicate' (see 'zoo --help')");

    [Fact]
    public void MisspeltCommand_SuggestsTheClosest() =>
        ZooCommand.Run("compre").AssertOneLineError(2, "unknown command 'compre'; did you mean 'compare'?");

    [Fact]
    public void UnknownOption_OneLineAndExit2() =>
        ZooCommand.Run("list", "--colour").AssertOneLineError(2, "zoo list: error: unknown argument '--colour'");

    [Fact]
    public void BadFrameList_OneLineAndExit2()
    {
        string line = ZooCommand.Run("cost", "crosslmm", "--frames", "32,x").AssertOneLineError(2, "'x' is not a positive frame count");
        Assert.StartsWith("zoo cost: error:", line);
    }

    [Fact]
    public void BadEnumChoice_OneLineListingTheChoices() =>
        ZooCommand.Run("cost", "--chart", "pie").AssertOneLineError(2, "--chart 'pie' is not one of flops, kv, tokens");

    [Fact]
    public void BadFormat_OneLineListingTheFormats() =>
        ZooCommand.Run("list", "--format", "xml").AssertOneLineError(2, "--format 'xml' is not one of table, json, csv, markdown");

    [Fact]
    public void UnknownPreset_SuggestsTheClosest() =>
        ZooCommand.Run("list", "--preset", "8b").AssertOneLineError(1, "unknown preset '8b'; did you mean '2b'?");
}
