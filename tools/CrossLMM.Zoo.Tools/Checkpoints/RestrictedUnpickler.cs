using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Numerics;
using System.Text;

namespace CrossLMM.Zoo.Tools.Checkpoints;

/// <summary>A Python global the unpickler was allowed to name: a value, or a callable when <see cref="Call"/> is set.</summary>
/// <param name="Name">The dotted name, e.g. <c>torch._utils._rebuild_tensor_v2</c>.</param>
/// <param name="Value">What the global stands for (a dtype for <c>torch.FloatStorage</c>), when it is not called.</param>
/// <param name="Call">What <c>REDUCE</c> does with it: the arguments in, the built object out.</param>
internal sealed record PickleGlobal(string Name, object? Value, Func<object?[], object?>? Call);

/// <summary>
/// A Python pickle interpreter that never runs code: it builds only strings, numbers, tuples (<c>object?[]</c>),
/// lists, ordered dicts and what the allow-listed globals return. It follows the opcodes of Python's
/// <c>pickle</c> module (protocols 0-5, as <c>Lib/pickletools.py</c> documents them) that <c>torch.save</c> emits;
/// any other opcode, notably <c>INST</c>, <c>OBJ</c>, <c>NEWOBJ</c> and <c>EXT*</c>, which create arbitrary
/// objects, is an error naming it and its offset.
/// <para>A <c>GLOBAL</c> or <c>STACK_GLOBAL</c> is resolved by the caller's <c>resolve</c>, which throws for
/// anything not on its allow-list (so <c>posix.system</c> fails as soon as it is named, before any call).
/// Persistent ids (<c>BINPERSID</c>) go to <c>persistentLoad</c>.</para>
/// <para>Sizes are checked against the remaining bytes before anything is allocated, so a corrupt length
/// cannot ask for gigabytes; and at most <see cref="MaxContainers"/> tuples, lists and dicts are built (a state
/// dict needs about six per tensor), so a pickle of a billion one-byte <c>EMPTY_LIST</c>s cannot either.</para>
/// </summary>
internal sealed class RestrictedUnpickler
{
    private readonly byte[] _data;
    private readonly string _source;
    private readonly Func<string, string, PickleGlobal> _resolve;
    private readonly Func<object?, object?> _persistentLoad;
    private readonly List<object?> _stack = new();
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();
    private int _pos;
    private long _containers;
    private int _opcodeAt;

    /// <summary>The most tuples, lists and dicts one pickle may build (about 1.6 million tensors' worth).</summary>
    public const long MaxContainers = 10_000_000;

    private RestrictedUnpickler(byte[] data, int start, string source, Func<string, string, PickleGlobal> resolve, Func<object?, object?> persistentLoad)
    {
        _data = data;
        _pos = start;
        _source = source;
        _resolve = resolve;
        _persistentLoad = persistentLoad;
    }

    /// <summary>Reads one pickle from <paramref name="data"/> at <paramref name="start"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="start">Where the pickle starts.</param>
    /// <param name="source">The file (and entry) named in errors.</param>
    /// <param name="resolve">Module and name to an allowed global; throws for the others.</param>
    /// <param name="persistentLoad">A persistent id to its object.</param>
    /// <param name="end">Where the pickle ended (after its STOP).</param>
    /// <returns>The unpickled object.</returns>
    /// <exception cref="ZooUserException">An unsupported opcode, a disallowed global, or a malformed pickle.</exception>
    public static object? Load(byte[] data, int start, string source, Func<string, string, PickleGlobal> resolve, Func<object?, object?> persistentLoad, out int end)
    {
        var machine = new RestrictedUnpickler(data, start, source, resolve, persistentLoad);
        object? result = machine.Run();
        end = machine._pos;
        return result;
    }

    private object? Run()
    {
        while (true)
        {
            int at = _opcodeAt = _pos;
            byte op = Take(1)[0];
            switch (op)
            {
                case 0x80: // PROTO
                    byte proto = Take(1)[0];
                    if (proto > 5) throw Malformed(at, $"pickle protocol {proto} is newer than 5");
                    break;
                case 0x95: // FRAME: an 8-byte length; the frame's opcodes follow inline
                    Take(8);
                    break;
                case (byte)'.': // STOP
                    return Pop(at);
                case (byte)'}': Push(new PickleDict()); break; // EMPTY_DICT
                case (byte)']': Push(new List<object?>()); break; // EMPTY_LIST
                case (byte)')': Push(Array.Empty<object?>()); break; // EMPTY_TUPLE
                case (byte)'N': Push(null); break; // NONE
                case 0x88: Push(true); break; // NEWTRUE
                case 0x89: Push(false); break; // NEWFALSE
                case (byte)'(': _marks.Push(_stack.Count); break; // MARK
                case (byte)'X': Push(Utf8(at, BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break; // BINUNICODE
                case 0x8c: Push(Utf8(at, Take(1)[0])); break; // SHORT_BINUNICODE
                case 0x8d: Push(Utf8(at, BinaryPrimitives.ReadUInt64LittleEndian(Take(8)))); break; // BINUNICODE8
                case (byte)'U': Push(Latin1(at, Take(1)[0])); break; // SHORT_BINSTRING
                case (byte)'T': Push(Latin1(at, BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break; // BINSTRING
                case (byte)'C': Push(Bytes(at, Take(1)[0])); break; // SHORT_BINBYTES
                case (byte)'B': Push(Bytes(at, BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break; // BINBYTES
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break; // BININT
                case (byte)'K': Push((long)Take(1)[0]); break; // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break; // BININT2
                case 0x8a: Push(Long(Take(Take(1)[0]))); break; // LONG1
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break; // BINFLOAT
                case (byte)'t': Push(PopMark(at).ToArray()); break; // TUPLE
                case 0x85: Push(new[] { Pop(at) }); break; // TUPLE1
                case 0x86: { var b = Pop(at); var a = Pop(at); Push(new[] { a, b }); break; } // TUPLE2
                case 0x87: { var c = Pop(at); var b = Pop(at); var a = Pop(at); Push(new[] { a, b, c }); break; } // TUPLE3
                case (byte)'l': Push(PopMark(at)); break; // LIST
                case (byte)'d': { var d = new PickleDict(); SetItems(at, d, PopMark(at)); Push(d); break; } // DICT
                case (byte)'q': _memo[Take(1)[0]] = Peek(at); break; // BINPUT
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek(at); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(at); break; // MEMOIZE
                case (byte)'h': Push(Memo(at, Take(1)[0])); break; // BINGET
                case (byte)'j': Push(Memo(at, BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break; // LONG_BINGET
                case (byte)'0': Pop(at); break; // POP
                case (byte)'1': PopMark(at); break; // POP_MARK
                case (byte)'2': Push(Peek(at)); break; // DUP
                case (byte)'c': // GLOBAL: "module\nname\n"
                {
                    string module = Line(at), name = Line(at);
                    Push(_resolve(module, name));
                    break;
                }
                case 0x93: // STACK_GLOBAL
                {
                    var name = Pop(at) as string;
                    var module = Pop(at) as string;
                    if (module is null || name is null) throw Malformed(at, "STACK_GLOBAL needs two strings");
                    Push(_resolve(module, name));
                    break;
                }
                case (byte)'Q': Push(_persistentLoad(Pop(at))); break; // BINPERSID
                case (byte)'R': // REDUCE
                {
                    var args = Pop(at) as object?[] ?? throw Malformed(at, "REDUCE needs an argument tuple");
                    var callable = Pop(at) as PickleGlobal;
                    if (callable?.Call is null) throw Malformed(at, $"REDUCE calls {(callable is null ? "something that is not a global" : $"'{callable.Name}', which is not callable")}");
                    Push(callable.Call(args));
                    break;
                }
                case (byte)'b': // BUILD: sets the state of the object below; a dict's attributes (e.g. state_dict's _metadata) are kept aside
                {
                    var state = Pop(at);
                    if (Peek(at) is not PickleDict target) throw Malformed(at, "BUILD on an object that is not a dict");
                    target.State = state;
                    break;
                }
                case (byte)'s': // SETITEM
                {
                    var value = Pop(at);
                    var key = Pop(at);
                    SetItems(at, Peek(at) as PickleDict ?? throw Malformed(at, "SETITEM on an object that is not a dict"), new List<object?> { key, value });
                    break;
                }
                case (byte)'u': // SETITEMS
                {
                    var items = PopMark(at);
                    SetItems(at, Peek(at) as PickleDict ?? throw Malformed(at, "SETITEMS on an object that is not a dict"), items);
                    break;
                }
                case (byte)'a': // APPEND
                {
                    var value = Pop(at);
                    (Peek(at) as List<object?> ?? throw Malformed(at, "APPEND to an object that is not a list")).Add(value);
                    break;
                }
                case (byte)'e': // APPENDS
                {
                    var items = PopMark(at);
                    (Peek(at) as List<object?> ?? throw Malformed(at, "APPENDS to an object that is not a list")).AddRange(items);
                    break;
                }
                default:
                    string shown = op is >= 0x20 and < 0x7f ? $" ('{(char)op}')" : "";
                    throw new ZooUserException($"'{_source}': unsupported pickle opcode 0x{op:x2}{shown} at offset {at}; only the opcodes of a plain torch.save state dict are read, so nothing in the file can run code");
            }
        }
    }

    private ReadOnlySpan<byte> Take(long count)
    {
        if (count > _data.Length - _pos)
        {
            throw new ZooUserException($"'{_source}': the pickle is truncated at offset {_pos} (needs {count} more bytes, {_data.Length - _pos} left)");
        }

        var span = _data.AsSpan(_pos, (int)count);
        _pos += (int)count;
        return span;
    }

    private string Utf8(int at, ulong length) => Encoding.UTF8.GetString(Take(Length(at, length)));

    private string Latin1(int at, ulong length) => Encoding.Latin1.GetString(Take(Length(at, length)));

    private byte[] Bytes(int at, ulong length) => Take(Length(at, length)).ToArray();

    private long Length(int at, ulong length) =>
        length <= (ulong)(_data.Length - _pos) ? (long)length : throw Malformed(at, $"a string of {length} bytes reaches past the end of the pickle ({_data.Length - _pos} bytes left)");

    private string Line(int at)
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0) throw Malformed(at, "GLOBAL without a newline");
        string line = Encoding.UTF8.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return line;
    }

    // LONG1: two's complement, little-endian; a long when it fits (torch's sizes and offsets always do).
    private static object Long(ReadOnlySpan<byte> bytes)
    {
        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : value;
    }

    private object? Memo(int at, long index) =>
        _memo.TryGetValue(index, out var value) ? value : throw Malformed(at, $"memo entry {index} is read before it is written");

    private void Push(object? value)
    {
        if (value is PickleDict or List<object?> or object?[] { Length: > 0 } && ++_containers > MaxContainers)
        {
            throw new ZooUserException($"'{_source}': the pickle builds more than {MaxContainers} tuples, lists and dicts at offset {_opcodeAt}; a state dict needs about six per tensor, so it is refused before it exhausts memory");
        }

        _stack.Add(value);
    }

    private object? Peek(int at) => _stack.Count > (_marks.Count > 0 ? _marks.Peek() : 0) ? _stack[^1] : throw Malformed(at, "the stack is empty");

    private object? Pop(int at)
    {
        var value = Peek(at);
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private List<object?> PopMark(int at)
    {
        if (_marks.Count == 0) throw Malformed(at, "no MARK to pop to");
        int mark = _marks.Pop();
        var items = _stack.GetRange(mark, _stack.Count - mark);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private void SetItems(int at, PickleDict dict, List<object?> items)
    {
        if (items.Count % 2 != 0) throw Malformed(at, "a dict needs key/value pairs");
        for (int i = 0; i < items.Count; i += 2)
        {
            object key = items[i] is string or long or bool or double ? items[i]! : throw Malformed(at, $"a dict key of type {items[i]?.GetType().Name ?? "None"}");
            dict[key] = items[i + 1];
        }
    }

    private ZooUserException Malformed(int at, string what) => new($"'{_source}': malformed pickle at offset {at}: {what}");
}

/// <summary>A Python dict (or <c>collections.OrderedDict</c>) in insertion order; <see cref="State"/> holds what BUILD set.</summary>
internal sealed class PickleDict : OrderedDictionary<object, object?>
{
    /// <summary>The object's attributes (an <c>OrderedDict</c>'s <c>__dict__</c>), unused by the loader.</summary>
    public object? State { get; set; }
}
