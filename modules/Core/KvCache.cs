using System;
using System.Collections.Generic;
using System.Linq;

namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// The decoding state of a decoder (HF's <c>DynamicCache</c>): per layer, named <see cref="KvCacheEntry"/>
/// slots (<see cref="CacheSlot"/>: the self-attention, and one per cross-attention branch of a fusion block, whose visual keys and
/// values are computed once at prefill), plus the key-padding mask of every position seen so far, from which
/// the next positions' ids and masks follow. Create one per generated sequence and dispose it afterwards.
/// <para>Shapes: B batch, P positions seen so far.</para>
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Dictionary<int, KvCacheLayer> _layers = new();
    private Tensor? _padding;

    /// <summary>Positions P processed so far.</summary>
    public long Length { get; private set; }

    /// <summary>B of the positions cached so far, once a pass has told it (null before the prefill).</summary>
    public long? Batch { get; private set; }

    /// <summary>Throws unless <paramref name="batch"/> is the cache's <see cref="Batch"/> (or either is unknown).</summary>
    /// <param name="batch">B of the new positions, or null when unknown.</param>
    /// <param name="what">The new positions in words, quoted in the message (e.g. "inputIds [2, 1]").</param>
    /// <exception cref="ArgumentException">Another batch.</exception>
    public void CheckBatch(long? batch, string what)
    {
        if (batch is long b && Batch is long cached && b != cached)
        {
            throw new ArgumentException($"{what} have batch {b}, but the cache holds batch {cached} (filled by the prefill): decode the same batch, or start a new cache", nameof(batch));
        }
    }

    /// <summary>The slots of decoder layer <paramref name="layer"/> (created on first use).</summary>
    /// <param name="layer">Zero-based layer index.</param>
    public KvCacheLayer Layer(int layer)
    {
        if (!_layers.TryGetValue(layer, out var slots))
        {
            slots = new KvCacheLayer();
            _layers[layer] = slots;
        }

        return slots;
    }

    /// <summary>
    /// The key-padding mask (B, P) of every position seen so far (true for real tokens), or null while no
    /// padding mask was ever given (every position real).
    /// </summary>
    /// <returns>An alias the caller owns, or null.</returns>
    public Tensor? Padding() => _padding?.alias();

    /// <summary>
    /// Records S new positions: appends their padding mask (or all-true when <paramref name="newPadding"/> is
    /// null while earlier positions had one) and advances <see cref="Length"/>.
    /// </summary>
    /// <param name="newLength">S ≥ 1.</param>
    /// <param name="newPadding">(B, S) mask of the new positions, or null.</param>
    /// <param name="batch">B of the new positions, when known: the first call records it as <see cref="Batch"/>, later
    /// calls must repeat it (a cache serves one batch).</param>
    /// <exception cref="ArgumentException">Another batch than the cache's, or a padding mask that is not (B, S).</exception>
    public void Advance(long newLength, Tensor? newPadding, long? batch = null)
    {
        BlockChecks.Positive(newLength, nameof(newLength));
        long? given = batch ?? newPadding?.shape[0];
        if (newPadding is not null && (newPadding.shape.Length != 2 || newPadding.shape[1] != newLength || (batch is long b && newPadding.shape[0] != b)))
        {
            throw new ArgumentException($"newPadding has shape {BlockChecks.Format(newPadding.shape)}; expected (B, S) with S = {newLength}", nameof(newPadding));
        }

        CheckBatch(given, "the new positions");
        Batch ??= given;
        if (newPadding is not null || _padding is not null)
        {
            using var scope = torch.NewDisposeScope();
            var device = newPadding?.device ?? _padding!.device;
            long rows = newPadding?.shape[0] ?? _padding!.shape[0];
            var past = _padding ?? torch.ones(new[] { rows, Length }, ScalarType.Bool, device);
            var fresh = newPadding?.to(ScalarType.Bool) ?? torch.ones(new[] { rows, newLength }, ScalarType.Bool, device);
            var all = torch.cat(new[] { past, fresh }, 1).DetachFromDisposeScope();
            _padding?.Dispose();
            _padding = all;
        }

        Length += newLength;
    }

    /// <summary>Disposes every cached tensor.</summary>
    public void Dispose()
    {
        foreach (var layer in _layers.Values)
        {
            layer.Dispose();
        }

        _layers.Clear();
        _padding?.Dispose();
        _padding = null;
    }
}

/// <summary>The named cache slots of one decoder layer (see <see cref="KvCache"/>).</summary>
public sealed class KvCacheLayer : IDisposable
{
    private readonly Dictionary<CacheSlot, KvCacheEntry> _entries = new();

    /// <summary>The entry of <paramref name="slot"/> (created on first use), e.g. <see cref="CacheSlot.SelfAttention"/>.</summary>
    /// <param name="slot">One of the <see cref="CacheSlot"/> constants.</param>
    public KvCacheEntry this[CacheSlot slot]
    {
        get
        {
            if (!_entries.TryGetValue(slot, out var entry))
            {
                entry = new KvCacheEntry();
                _entries[slot] = entry;
            }

            return entry;
        }
    }

    /// <summary>The slots that hold keys and values, in the order they were first used.</summary>
    public IReadOnlyList<CacheSlot> Filled => _entries.Where(e => e.Value.HasValues).Select(e => e.Key).ToArray();

    /// <summary>Disposes every slot.</summary>
    public void Dispose()
    {
        foreach (var entry in _entries.Values)
        {
            entry.Dispose();
        }

        _entries.Clear();
    }
}
