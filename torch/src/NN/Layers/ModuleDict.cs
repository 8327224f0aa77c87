using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using static TorchSharp.torch;

namespace TorchSharp.Modules;

/// <summary>
/// Submodules by name, in insertion order (PyTorch's <c>nn.ModuleDict</c>); each is registered under its key, so
/// its parameters appear as <c>key.param</c>. Registered modules cannot be removed or replaced.
/// </summary>
public sealed class ModuleDict<T> : nn.Module, IDictionary<string, T> where T : nn.Module
{
    private readonly List<(string key, T module)> _list = new();
    private readonly Dictionary<string, T> _dict = new(StringComparer.Ordinal);

    public ModuleDict() : base(nameof(ModuleDict<T>)) { }

    public void Add(string key, T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        register_module(key, value);
        _dict.Add(key, value);
        _list.Add((key, value));
    }

    public void Add((string, T) item) => Add(item.Item1, item.Item2);
    public void Add(KeyValuePair<string, T> item) => Add(item.Key, item.Value);

    public T this[string key] {
        get => _dict[key];
        set => throw new NotSupportedException($"ModuleDict: replacing the registered module '{key}' is not supported; build a new dict");
    }

    public (string, T) this[int index] => _list[index];

    public ICollection<string> Keys => _list.Select(x => x.key).ToList();
    public ICollection<T> Values => _list.Select(x => x.module).ToList();
    public IEnumerable<(string, T)> items() => _list;
    public IEnumerable<string> keys() => Keys;
    public IEnumerable<T> values() => Values;

    public int Count => _list.Count;
    public bool IsReadOnly => false;
    public bool ContainsKey(string key) => _dict.ContainsKey(key);
    public bool Contains(KeyValuePair<string, T> item) => _dict.TryGetValue(item.Key, out var m) && ReferenceEquals(m, item.Value);
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out T value) => _dict.TryGetValue(key, out value);

    public void CopyTo(KeyValuePair<string, T>[] array, int arrayIndex)
    {
        foreach (var (k, m) in _list) array[arrayIndex++] = new KeyValuePair<string, T>(k, m);
    }

    public bool Remove(string key) => throw new NotSupportedException("ModuleDict: removing modules is not supported");
    public bool Remove(KeyValuePair<string, T> item) => throw new NotSupportedException("ModuleDict: removing modules is not supported");
    public void Clear() => throw new NotSupportedException("ModuleDict: removing modules is not supported");

    public IEnumerator<KeyValuePair<string, T>> GetEnumerator() =>
        _list.Select(x => new KeyValuePair<string, T>(x.key, x.module)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
