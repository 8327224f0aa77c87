using System;
using CrossLMM.Zoo.Tools.Text;

namespace CrossLMM.Zoo.Cli.Tests.Tools;

public class TokenizerTests
{
    [Theory]
    [InlineData("What happens?")]
    [InlineData("")]
    [InlineData("naïve 視頻 🎬\n\ttabs")]
    public void Bytes_RoundTrip(string text)
    {
        var tokenizer = new ByteTokenizer();
        var ids = tokenizer.Encode(text);
        Assert.Equal(ByteTokenizer.Bos, ids[0]);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(text) + 1, ids.Length);
        Assert.Equal(text, tokenizer.Decode(ids));
    }

    [Fact]
    public void SpecialTokens_AreAfterTheBytes()
    {
        var tokenizer = new ByteTokenizer(512);
        Assert.Equal(256, tokenizer.PadId);
        Assert.Equal(257, tokenizer.BosId);
        Assert.Equal(258, tokenizer.EosId);
        Assert.Equal(259, tokenizer.SpecialTokens["<|video|>"]);
        Assert.Equal("<|bos|>hi<|eos|>", tokenizer.Decode(new[] { 257, 104, 105, 258 }, skipSpecial: false));
        Assert.Equal("hi", tokenizer.Decode(new[] { 257, 104, 105, 258 }));
    }

    [Fact]
    public void Display_IsReadable()
    {
        var tokenizer = new ByteTokenizer();
        Assert.Equal("\"a\"", tokenizer.Display('a'));
        Assert.Equal("\"\\n\"", tokenizer.Display('\n'));
        Assert.Equal("<0xC3>", tokenizer.Display(0xC3));
        Assert.Equal("<|eos|>", tokenizer.Display(258));
        Assert.Equal("<|unused_300|>", tokenizer.Display(300));
    }

    [Fact]
    public void TooSmallVocabulary_OrOutOfRangeId_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ByteTokenizer(259));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ByteTokenizer(512).Decode(new[] { 512 }));
        Assert.Equal(512, new ByteTokenizer().VocabSize);
    }

    [Fact]
    public void SpecialSpellingsInText_AreLiteralBytes()
    {
        var ids = new ByteTokenizer().Encode("<|eos|>", addBos: false);
        Assert.Equal(7, ids.Length);
        Assert.DoesNotContain(ByteTokenizer.Eos, ids);
    }
}
