using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace CrossLMM.Zoo.Tools.Text;

/// <summary>
/// The tokenizer of the random-weight demos (<c>zoo run</c> without <c>--checkpoint</c>): one token per UTF-8 byte (ids 0–255), then the special tokens
/// <c>&lt;|pad|&gt;</c> 256, <c>&lt;|bos|&gt;</c> 257, <c>&lt;|eos|&gt;</c> 258, <c>&lt;|video|&gt;</c> 259; ids from 260
/// up to the vocabulary size are unused (<c>&lt;|unused_N|&gt;</c>). Any text round-trips; the tiny and small
/// presets' vocabulary of 512 holds it, and so does any larger one. It is no real model's tokenizer: a
/// pretrained checkpoint uses <see cref="Qwen2Tokenizer"/>.
/// </summary>
public sealed class ByteTokenizer : ITokenizer
{
    /// <summary>Padding.</summary>
    public const int Pad = 256;

    /// <summary>Beginning of sequence.</summary>
    public const int Bos = 257;

    /// <summary>End of sequence.</summary>
    public const int Eos = 258;

    /// <summary>Placeholder for the video block.</summary>
    public const int Video = 259;

    /// <summary>The smallest vocabulary that holds the bytes and the special tokens.</summary>
    public const int MinimumVocab = 260;

    private static readonly Dictionary<string, int> Specials = new(StringComparer.Ordinal)
    {
        ["<|pad|>"] = Pad,
        ["<|bos|>"] = Bos,
        ["<|eos|>"] = Eos,
        ["<|video|>"] = Video,
    };

    /// <summary>A byte-level tokenizer for a vocabulary of <paramref name="vocabSize"/> ids.</summary>
    /// <param name="vocabSize">≥ 260 (the model's llm.vocab; 512 at tiny and small).</param>
    /// <exception cref="ArgumentOutOfRangeException">A vocabulary too small for the bytes and specials.</exception>
    public ByteTokenizer(int vocabSize = 512)
    {
        if (vocabSize < MinimumVocab)
        {
            throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize, $"a byte-level vocabulary needs at least {MinimumVocab} ids (256 bytes + 4 special tokens); got {vocabSize}");
        }

        VocabSize = vocabSize;
    }

    /// <inheritdoc/>
    public string Name => "byte-level";

    /// <inheritdoc/>
    public int VocabSize { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, int> SpecialTokens => Specials;

    /// <inheritdoc/>
    public int? BosId => Bos;

    /// <inheritdoc/>
    public int EosId => Eos;

    /// <inheritdoc/>
    public int PadId => Pad;

    /// <inheritdoc/>
    public int[] Encode(string text, bool addBos = true, bool parseSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (parseSpecialTokens)
        {
            return EncodeWithSpecials(text, addBos);
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var ids = new int[bytes.Length + (addBos ? 1 : 0)];
        int offset = 0;
        if (addBos)
        {
            ids[0] = Bos;
            offset = 1;
        }

        for (int i = 0; i < bytes.Length; i++)
        {
            ids[offset + i] = bytes[i];
        }

        return ids;
    }

    /// <inheritdoc/>
    public string Decode(IEnumerable<int> ids, bool skipSpecial = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new Utf8TextBuilder();
        foreach (int id in ids)
        {
            CheckId(id);
            if (id < 256)
            {
                text.AddByte((byte)id);
                continue;
            }

            text.Flush();
            if (!skipSpecial)
            {
                text.AddText(SpecialText(id));
            }
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public string Display(int id)
    {
        CheckId(id);
        if (id >= 256)
        {
            return SpecialText(id);
        }

        return id switch
        {
            (int)'\n' => "\"\\n\"",
            (int)'\t' => "\"\\t\"",
            (int)'\r' => "\"\\r\"",
            (int)'"' => "\"\\\"\"",
            (int)'\\' => "\"\\\\\"",
            >= 0x20 and < 0x7f => "\"" + (char)id + "\"",
            _ => "<0x" + id.ToString("X2", CultureInfo.InvariantCulture) + ">",
        };
    }

    private int[] EncodeWithSpecials(string text, bool addBos)
    {
        var ids = new List<int>();
        if (addBos)
        {
            ids.Add(Bos);
        }

        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            foreach (var (spelling, id) in Specials)
            {
                if (string.CompareOrdinal(text, i, spelling, 0, spelling.Length) == 0)
                {
                    ids.AddRange(Encode(text[start..i], addBos: false));
                    ids.Add(id);
                    i += spelling.Length - 1;
                    start = i + 1;
                    break;
                }
            }
        }

        ids.AddRange(Encode(text[start..], addBos: false));
        return ids.ToArray();
    }

    private static string SpecialText(int id) =>
        Specials.FirstOrDefault(kv => kv.Value == id).Key ?? $"<|unused_{id}|>";

    private void CheckId(int id)
    {
        if (id < 0 || id >= VocabSize)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"token id must be in [0, {VocabSize})");
        }
    }
}
