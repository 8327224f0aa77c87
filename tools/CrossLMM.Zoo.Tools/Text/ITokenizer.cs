using System.Collections.Generic;

namespace CrossLMM.Zoo.Tools.Text;

/// <summary>
/// Text ↔ token ids for a model's vocabulary. Two implementations: <see cref="Qwen2Tokenizer"/>, the real
/// byte-level BPE of Qwen2/Qwen2.5/Qwen3 and LLaVA-OneVision read from a checkpoint's <c>tokenizer.json</c>,
/// and <see cref="ByteTokenizer"/>, one id per UTF-8 byte, for the random-weight demos only.
/// </summary>
public interface ITokenizer
{
    /// <summary>A short name for reports (<c>byte-level</c>, <c>qwen2-bpe</c>).</summary>
    string Name { get; }

    /// <summary>Ids are in [0, VocabSize).</summary>
    int VocabSize { get; }

    /// <summary>Special tokens by their text (<c>&lt;|im_end|&gt;</c> → id).</summary>
    IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>Beginning-of-sequence id, or null when the tokenizer adds none (Qwen2).</summary>
    int? BosId { get; }

    /// <summary>End-of-sequence id.</summary>
    int EosId { get; }

    /// <summary>Padding id.</summary>
    int PadId { get; }

    /// <summary>Encodes text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="addBos">Prepend <see cref="BosId"/> when there is one.</param>
    /// <param name="parseSpecialTokens">Whether special-token spellings in the text (<c>&lt;|im_start|&gt;</c>) become
    /// their ids, as Hugging Face's tokenizers do by default; false (the default) encodes them literally, so user
    /// text cannot inject control tokens.</param>
    int[] Encode(string text, bool addBos = true, bool parseSpecialTokens = false);

    /// <summary>Decodes ids to text.</summary>
    /// <param name="ids">Token ids.</param>
    /// <param name="skipSpecial">Leave special tokens out (else they appear as their spelling).</param>
    string Decode(IEnumerable<int> ids, bool skipSpecial = true);

    /// <summary>A readable form of one token for listings (a quoted string, <c>&lt;0xC3&gt;</c>, <c>&lt;|eos|&gt;</c>).</summary>
    /// <param name="id">Token id.</param>
    string Display(int id);
}
