using System;

namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// One attention module's cached keys and values: appended to step by step for causal self-attention, or
/// stored once at prefill for cross-attention to a fixed visual source (whose optional key-padding mask is
/// kept with it). The entry owns its tensors (they are detached from dispose scopes) and hands out aliases,
/// which the caller may dispose independently.
/// <para>Shapes: B batch, g key/value heads, K cached positions, d head width.</para>
/// </summary>
public sealed class KvCacheEntry : IDisposable
{
    private Tensor? _key;
    private Tensor? _value;
    private Tensor? _mask;

    /// <summary>Whether keys and values are stored.</summary>
    public bool HasValues => _key is not null;

    /// <summary>Number of cached positions K (0 when empty).</summary>
    public long Length => _key?.shape[2] ?? 0;

    /// <summary>
    /// Appends the keys and values of S new positions (causal self-attention) and returns all of them.
    /// </summary>
    /// <param name="key">(B, g, S, d).</param>
    /// <param name="value">(B, g, S, d_v).</param>
    /// <returns>Aliases of the cached (B, g, K + S, d) keys and values, in the caller's dispose scope.</returns>
    public (Tensor Key, Tensor Value) Append(Tensor key, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        CheckAppend(key, value);
        Tensor newKey;
        Tensor newValue;
        using (torch.NewDisposeScope())
        {
            newKey = (_key is null ? key.clone() : torch.cat(new[] { _key, key }, 2)).DetachFromDisposeScope();
            newValue = (_value is null ? value.clone() : torch.cat(new[] { _value, value }, 2)).DetachFromDisposeScope();
        }

        _key?.Dispose();
        _value?.Dispose();
        _key = newKey;
        _value = newValue;
        return (_key.alias(), _value.alias());
    }

    // Keys and values (B, g, S, d): the new ones must continue the stored ones (same B, g, d) or libtorch's cat
    // fails with a message that names no tensor ("Sizes of tensors must match except in dimension 2").
    private void CheckAppend(Tensor key, Tensor value)
    {
        long[] k = key.shape, v = value.shape;
        bool ok = k.Length == 4 && v.Length == 4 && k[0] == v[0] && k[1] == v[1] && k[2] == v[2];
        if (ok && _key is not null && _value is not null)
        {
            long[] pk = _key.shape, pv = _value.shape;
            ok = pk[0] == k[0] && pk[1] == k[1] && pk[3] == k[3] && pv[0] == v[0] && pv[1] == v[1] && pv[3] == v[3];
        }

        if (!ok)
        {
            string held = _key is null ? "nothing" : $"keys {BlockChecks.Format(_key.shape)} and values {BlockChecks.Format(_value!.shape)}";
            throw new ArgumentException(
                $"cannot append keys {BlockChecks.Format(k)} and values {BlockChecks.Format(v)} (B, g, S, d) to a cache entry holding {held}: " +
                "batch, heads and head width must match (a cache serves one batch of one model)", nameof(key));
        }
    }

    /// <summary>Stores the keys and values of a fixed source (cross-attention), replacing any stored ones.</summary>
    /// <param name="key">(B, g, M, d).</param>
    /// <param name="value">(B, g, M, d_v).</param>
    /// <param name="mask">Optional attention mask for these keys (e.g. (B, 1, 1, M) key padding).</param>
    public void Store(Tensor key, Tensor value, Tensor? mask = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        Clear();
        _key = key.alias().DetachFromDisposeScope();
        _value = value.alias().DetachFromDisposeScope();
        _mask = mask?.alias().DetachFromDisposeScope();
    }

    /// <summary>The stored keys, values and mask, as aliases in the caller's dispose scope.</summary>
    /// <exception cref="InvalidOperationException">Nothing is stored.</exception>
    public (Tensor Key, Tensor Value, Tensor? Mask) Get()
    {
        if (_key is null || _value is null)
        {
            throw new InvalidOperationException("the cache entry is empty: store or append keys and values first");
        }

        return (_key.alias(), _value.alias(), _mask?.alias());
    }

    /// <summary>Drops the stored tensors.</summary>
    public void Clear()
    {
        _key?.Dispose();
        _value?.Dispose();
        _mask?.Dispose();
        _key = null;
        _value = null;
        _mask = null;
    }

    /// <summary>Disposes the stored tensors.</summary>
    public void Dispose() => Clear();
}
