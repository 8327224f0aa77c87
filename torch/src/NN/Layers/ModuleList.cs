using System;
using System.Collections;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace TorchSharp.Modules;

/// <summary>An indexable list of submodules registered as "0", "1", … (PyTorch's <c>nn.ModuleList</c>).</summary>
public sealed class ModuleList<T> : nn.Module, IList<T> where T : nn.Module
{
    private readonly List<T> _list = new();

    public ModuleList(params T[] modules) : base(nameof(ModuleList<T>))
    {
        foreach (var m in modules) Add(m);
    }

    public T this[int index] {
        get => _list[index];
        set => throw new NotSupportedException("ModuleList: replacing a registered module is not supported; build a new list");
    }

    public int Count => _list.Count;
    public bool IsReadOnly => false;

    public void Add(T item)
    {
        register_module(_list.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), item);
        _list.Add(item);
    }

    public void Clear() => throw new NotSupportedException("ModuleList: removing modules is not supported");
    public bool Contains(T item) => _list.Contains(item);
    public void CopyTo(T[] array, int arrayIndex) => _list.CopyTo(array, arrayIndex);
    public IEnumerator<T> GetEnumerator() => _list.GetEnumerator();
    public int IndexOf(T item) => _list.IndexOf(item);
    public void Insert(int index, T item) => throw new NotSupportedException("ModuleList: inserting would renumber registered modules; use Add");
    public bool Remove(T item) => throw new NotSupportedException("ModuleList: removing modules is not supported");
    public void RemoveAt(int index) => throw new NotSupportedException("ModuleList: removing modules is not supported");
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
