using System.Linq;
using System.Text.Json;
using CrossLMM.Testing;
using CrossLMM.Zoo.Cli.Tests.Support;

namespace CrossLMM.Zoo.Cli.Tests.Commands;

public class TokenizeCommandTests
{
    [Fact]
    public void Json_IdsEqualTheReference()
    {
        const string text = "<|im_start|>user\n你好, world 😀 12345<|im_end|>";
        var r = ZooCommand.Run("tokenize", "--tokenizer", QwenTokenizerPackage.TokenizerJson, "--format", "json", text);
        Assert.Equal(0, r.Code);
        using var doc = JsonDocument.Parse(r.Out);
        var ids = doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(QwenTokenizerPackage.ReferenceIds(new[] { text })[0], ids);
        Assert.Equal(ids.Length, doc.RootElement.GetProperty("tokens").GetArrayLength());
        Assert.Equal(151644, ids[0]);
    }

    [Fact]
    public void Default_PrintsTheIdsOnTheFirstLine_AndLiteralKeepsSpellings()
    {
        var parsed = ZooCommand.Run("tokenize", "--tokenizer", QwenTokenizerPackage.TokenizerJson, "<|im_end|>");
        Assert.Equal(0, parsed.Code);
        Assert.Equal("151645", parsed.Lines[0]);
        var literal = ZooCommand.Run("tokenize", "--tokenizer", QwenTokenizerPackage.TokenizerJson, "--literal", "<|im_end|>");
        Assert.Equal(0, literal.Code);
        Assert.DoesNotContain("151645", literal.Lines[0].Split(' '));
    }

    [Fact]
    public void MissingTokenizer_IsOneLineError()
    {
        var r = ZooCommand.Run("tokenize", "--tokenizer", "/nonexistent/tokenizer.json", "hi");
        r.AssertOneLineError(1, "tokenizer not found: '/nonexistent/tokenizer.json'");
    }

    [Fact]
    public void NonBpeTokenizer_IsRefused()
    {
        using var dir = new TempDir();
        string path = dir.Write("tokenizer.json", "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}");
        ZooCommand.Run("tokenize", "--tokenizer", path, "hi").AssertOneLineError(1, "Unigram");
    }
}
