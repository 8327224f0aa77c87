using System.Collections.Generic;

namespace CrossLMM.Zoo.Tools.Text;

/// <summary>
/// Text ↔ token ids for a model's vocabulary. The zoo's default is <see cref="ByteTokenizer"/>; a real
/// checkpoint's tokenizer (e.g. Qwen2's BPE) plugs in behind the same interface.
/// </summary>
public interface ITokenizer
{
    /// <summary>A short name for reports (<c>byte-level</c>).</summary>
    string Name { get; }

    /// <summary>Ids are in [0, VocabSize).</summary>
    int VocabSize { get; }

    /// <summary>Special tokens by their text (<c>&lt;|bos|&gt;</c> → id).</summary>
    IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>Beginning-of-sequence id.</summary>
    int BosId { get; }

    /// <summary>End-of-sequence id.</summary>
    int EosId { get; }

    /// <summary>Padding id.</summary>
    int PadId { get; }

    /// <summary>Encodes text literally (special-token spellings in the text are not interpreted).</summary>
    /// <param name="text">The text.</param>
    /// <param name="addBos">Prepend <see cref="BosId"/>.</param>
    int[] Encode(string text, bool addBos = true);

    /// <summary>Decodes ids to text.</summary>
    /// <param name="ids">Token ids.</param>
    /// <param name="skipSpecial">Leave special tokens out (else they appear as their spelling).</param>
    string Decode(IEnumerable<int> ids, bool skipSpecial = true);

    /// <summary>A readable form of one token for listings (a quoted character, <c>&lt;0xC3&gt;</c>, <c>&lt;|eos|&gt;</c>).</summary>
    /// <param name="id">Token id.</param>
    string Display(int id);
}
