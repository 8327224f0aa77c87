using System.Collections.Generic;
using System.Text;

namespace CrossLMM.Zoo.Tools.Text;

/// <summary>
/// Decoded text built from byte-level token pieces and whole strings (special tokens): bytes are buffered so a
/// character split over several tokens is decoded whole, and flushed before each string.
/// </summary>
internal sealed class Utf8TextBuilder
{
    private readonly StringBuilder _text = new();
    private readonly List<byte> _pending = new();

    /// <summary>Appends raw UTF-8 bytes (possibly part of a character).</summary>
    public void AddBytes(IEnumerable<byte> bytes) => _pending.AddRange(bytes);

    /// <summary>Appends one raw byte.</summary>
    public void AddByte(byte value) => _pending.Add(value);

    /// <summary>Appends a whole string after the bytes so far.</summary>
    public void AddText(string text)
    {
        Flush();
        _text.Append(text);
    }

    /// <summary>Ends a run of bytes (a special token that is skipped still separates runs).</summary>
    public void Flush()
    {
        if (_pending.Count == 0) return;
        _text.Append(Encoding.UTF8.GetString(_pending.ToArray()));
        _pending.Clear();
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        Flush();
        return _text.ToString();
    }
}
