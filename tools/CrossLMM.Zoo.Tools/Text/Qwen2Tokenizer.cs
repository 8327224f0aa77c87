using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace CrossLMM.Zoo.Tools.Text;

/// <summary>
/// The byte-level BPE tokenizer of Qwen2, Qwen2.5, Qwen3 and LLaVA-OneVision (whose language model is Qwen2),
/// read from a checkpoint's <c>tokenizer.json</c> and run on <c>Microsoft.ML.Tokenizers</c>' <see cref="BpeTokenizer"/>.
/// It follows Hugging Face's <c>tokenizers</c> pipeline: added tokens are cut out of the text first (longest
/// match; special ones only when special tokens are parsed), each remaining piece is NFC-normalised, split by
/// the pre-tokenizer regex, spelled in GPT-2's byte alphabet and merged by BPE. There is no BOS token.
/// </summary>
public sealed class Qwen2Tokenizer : ITokenizer
{
    private readonly BpeTokenizer _bpe;
    private readonly bool _nfc;
    private readonly Dictionary<string, AddedToken> _added;
    private readonly Dictionary<int, AddedToken> _addedById;
    private readonly Dictionary<char, AddedToken[]> _addedByFirstChar;   // longest first
    private readonly string?[] _spellings;
    private readonly Dictionary<string, int> _specials;

    private Qwen2Tokenizer(TokenizerFiles files)
    {
        Files = files;
        _nfc = files.NormalizeNfc;
        if (_nfc && "e\u0301".Normalize(NormalizationForm.FormC) != "\u00e9")
        {
            throw new ZooUserException(
                "this process cannot NFC-normalise text (.NET runs in globalization-invariant mode or without ICU), which the Qwen2 tokenizer needs: install libicu and unset DOTNET_SYSTEM_GLOBALIZATION_INVARIANT");
        }

        var regex = new Regex(files.PreTokenizerPattern, RegexOptions.CultureInvariant);
        _bpe = BpeTokenizer.Create(new BpeOptions(files.Vocab)
        {
            Merges = files.Merges,
            PreTokenizer = new RegexPreTokenizer(regex, null),
            ByteLevel = true,
        });
        _added = files.AddedTokens.ToDictionary(t => t.Content, StringComparer.Ordinal);
        _addedById = files.AddedTokens.ToDictionary(t => t.Id);
        _addedByFirstChar = files.AddedTokens.Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
        VocabSize = Math.Max(files.Vocab.Values.DefaultIfEmpty(-1).Max(), files.AddedTokens.Select(t => t.Id).DefaultIfEmpty(-1).Max()) + 1;
        _spellings = new string?[VocabSize];
        foreach (var (spelling, id) in files.Vocab)
        {
            _spellings[id] = spelling;
        }

        _specials = files.AddedTokens.Where(t => t.Special).ToDictionary(t => t.Content, t => t.Id, StringComparer.Ordinal);
        EndOfText = Id("<|endoftext|>");
        ImEnd = Id("<|im_end|>");
        ImStart = Id("<|im_start|>");
        int? eos = files.EosToken is { } e && _added.TryGetValue(e, out var et) ? et.Id : null;
        int? pad = files.PadToken is { } p && _added.TryGetValue(p, out var pt) ? pt.Id : null;
        EosId = eos ?? EndOfText ?? throw new ZooUserException($"'{files.Source}' names no EOS token: tokenizer_config.json has no eos_token and there is no <|endoftext|>");
        PadId = pad ?? EndOfText ?? EosId;
    }

    /// <summary>
    /// Reads a tokenizer.json file or a checkpoint folder (see <see cref="TokenizerFiles.Read"/>). Building Qwen's
    /// 151k-entry BPE takes about a second, so the last few tokenizers are kept per process, keyed by their files'
    /// paths, sizes and modification times (a changed file is read again); the tokenizer is immutable.
    /// </summary>
    /// <param name="path">tokenizer.json, or a folder with it (or with vocab.json + merges.txt).</param>
    /// <exception cref="ZooUserException">Missing or unsupported files.</exception>
    public static Qwen2Tokenizer Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string key = CacheKey(path);
        lock (Cache)
        {
            if (Cache.TryGetValue(key, out var cached))
            {
                return cached;
            }
        }

        var tokenizer = new Qwen2Tokenizer(TokenizerFiles.Read(path));
        lock (Cache)
        {
            if (Cache.Count >= 4)
            {
                Cache.Clear();
            }

            Cache[key] = tokenizer;
        }

        return tokenizer;
    }

    private static readonly Dictionary<string, Qwen2Tokenizer> Cache = new(StringComparer.Ordinal);

    private static string CacheKey(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        var files = System.IO.Directory.Exists(full)
            ? new[] { "tokenizer.json", "vocab.json", "merges.txt", "tokenizer_config.json" }.Select(n => System.IO.Path.Combine(full, n))
            : new[] { full, System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full) ?? ".", "tokenizer_config.json") };
        return string.Join("|", files.Select(f =>
        {
            var info = new System.IO.FileInfo(f);
            return info.Exists ? $"{f}:{info.Length}:{info.LastWriteTimeUtc.Ticks}" : f + ":-";
        }));
    }

    /// <summary>What it was read from.</summary>
    public TokenizerFiles Files { get; }

    /// <inheritdoc/>
    public string Name => "qwen2-bpe";

    /// <inheritdoc/>
    public int VocabSize { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, int> SpecialTokens => _specials;

    /// <summary>All added tokens (special or not).</summary>
    public IReadOnlyCollection<AddedToken> AddedTokens => _addedById.Values;

    /// <inheritdoc/>
    public int? BosId => null;

    /// <inheritdoc/>
    public int EosId { get; }

    /// <inheritdoc/>
    public int PadId { get; }

    /// <summary><c>&lt;|endoftext|&gt;</c>'s id, if the tokenizer has it.</summary>
    public int? EndOfText { get; }

    /// <summary><c>&lt;|im_start|&gt;</c>'s id, if the tokenizer has it (ChatML).</summary>
    public int? ImStart { get; }

    /// <summary><c>&lt;|im_end|&gt;</c>'s id, if the tokenizer has it (ChatML).</summary>
    public int? ImEnd { get; }

    /// <summary>The id of an added token, or null.</summary>
    /// <param name="content">Its spelling.</param>
    public int? Id(string content) => _added.TryGetValue(content, out var t) ? t.Id : null;

    /// <inheritdoc/>
    public int[] Encode(string text, bool addBos = true, bool parseSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        int start = 0, i = 0;
        while (i < text.Length)
        {
            var match = MatchAt(text, i, parseSpecialTokens);
            if (match is null)
            {
                i++;
                continue;
            }

            EncodePiece(text, start, i - start, ids);
            ids.Add(match.Id);
            i += match.Content.Length;
            start = i;
        }

        EncodePiece(text, start, text.Length - start, ids);
        return ids.ToArray();
    }

    private AddedToken? MatchAt(string text, int i, bool parseSpecialTokens)
    {
        if (!_addedByFirstChar.TryGetValue(text[i], out var candidates))
        {
            return null;
        }

        foreach (var token in candidates)
        {
            if ((parseSpecialTokens || !token.Special) && string.CompareOrdinal(text, i, token.Content, 0, token.Content.Length) == 0)
            {
                return token;
            }
        }

        return null;
    }

    private void EncodePiece(string text, int start, int length, List<int> ids)
    {
        if (length == 0)
        {
            return;
        }

        string piece = text.Substring(start, length);
        if (_nfc)
        {
            piece = piece.Normalize(NormalizationForm.FormC);
        }

        ids.AddRange(_bpe.EncodeToIds(piece));
    }

    /// <inheritdoc/>
    public string Decode(IEnumerable<int> ids, bool skipSpecial = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new Utf8TextBuilder();
        foreach (int id in ids)
        {
            if (_addedById.TryGetValue(id, out var added))
            {
                text.Flush();
                if (!(skipSpecial && added.Special))
                {
                    text.AddText(added.Content);
                }

                continue;
            }

            text.AddBytes(BytesOf(id));
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public string Display(int id)
    {
        if (_addedById.TryGetValue(id, out var added))
        {
            return added.Content;
        }

        var bytes = BytesOf(id);
        try
        {
            string text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return "\"" + Escape(text) + "\"";
        }
        catch (DecoderFallbackException)
        {
            return string.Concat(bytes.Select(b => "<0x" + b.ToString("X2", CultureInfo.InvariantCulture) + ">"));
        }
    }

    private byte[] BytesOf(int id)
    {
        if (id < 0 || id >= VocabSize)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"token id must be in [0, {VocabSize})");
        }

        string spelling = _spellings[id] ?? throw new ArgumentOutOfRangeException(nameof(id), id, "no token has this id in the tokenizer");
        return ByteLevelAlphabet.Decode(spelling) ?? Encoding.UTF8.GetBytes(spelling);
    }

    private static string Escape(string text)
    {
        var sb = new StringBuilder();
        foreach (char c in text)
        {
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                '"' => "\\\"",
                '\\' => "\\\\",
                _ when char.IsControl(c) => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return sb.ToString();
    }
}
