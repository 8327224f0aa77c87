using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using TorchSharp.Native;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine;

/// <summary>The matrix-product families the FLOP counter distinguishes.</summary>
public enum FlopKind
{
    /// <summary><c>matmul</c> and <c>mm</c> (any broadcasting shape), including attention scores built with matmul.</summary>
    Matmul = 0,
    /// <summary><c>nn.functional.linear</c> / <c>nn.Linear</c> (the weight product only).</summary>
    Linear = 1,
    /// <summary><c>bmm</c> and <c>baddbmm</c> (the product only).</summary>
    Bmm = 2,
    /// <summary><c>conv1d/2d/3d</c> and the <c>Conv</c> modules (the kernel products only).</summary>
    Conv = 3,
}

/// <summary>FLOPs attributed to one module path, summed over all its calls.</summary>
/// <param name="Path">Dotted path from the root (<c>""</c> is the root itself).</param>
/// <param name="Calls">How many times the module was called.</param>
/// <param name="Inclusive">FLOPs while the module was on the call stack (its own and its descendants').</param>
/// <param name="Exclusive">FLOPs while it was the innermost module on the call stack.</param>
public sealed record ModuleFlops(string Path, long Calls, long Inclusive, long Exclusive);

/// <summary>
/// Counts the floating-point operations of the matrix products run on this thread while it is open:
/// <code>
/// using var flops = FlopCounter.Start(model);   // model optional: enables per-module attribution
/// model.call(x);
/// flops.Stop();                                 // or let Dispose stop it
/// Console.WriteLine(flops.Total);               // flops[FlopKind.Linear], flops.ByModule["layers.0.mlp"] ...
/// </code>
/// <para><b>What is counted</b> (exactly; the cost model is checked against these numbers): 2 FLOPs per
/// multiply-add of the forward products called through the engine —
/// <c>matmul</c>/<c>mm</c>: 2·numel(out)·K, K = the first operand's last size;
/// <c>linear</c>: 2·numel(out)·in_features; <c>bmm</c>/<c>baddbmm</c>: 2·numel(out)·K;
/// <c>conv</c>: 2·numel(out)·(in_channels/groups)·prod(kernel). Not counted: bias additions, the α/β
/// scaling of baddbmm, softmax, normalisations, activations, element-wise arithmetic, reductions, pooling,
/// interpolation, <c>dot</c>/<c>outer</c>, and the backward pass (autograd runs inside libtorch, outside
/// the shim). Products that PyTorch performs inside composite ops are counted only when the composite is
/// built from the ops above in C# (as <c>scaled_dot_product_attention</c> is: two matmuls).</para>
/// <para><b>Threads and nesting</b>: counting is thread-local (the native counters are thread-local and
/// the module observer is <c>[ThreadStatic]</c>); work the counting thread hands to other threads is not
/// seen. Counters nest: an inner counter sees its own region, an outer counter sees everything including
/// the inner region. Counters must be stopped on their own thread in reverse order of starting
/// (<c>using</c> guarantees this); stopping out of order throws.</para>
/// <para><b>Per module</b> (when a root is given): every <c>call()</c> of a module in the root's tree is
/// observed (through <c>Module.CallObserver</c>); each FLOP goes to the innermost module on the call stack
/// (exclusive) and to every module on the stack (inclusive). Modules outside the root's tree are reported
/// as <c>?TypeName</c>; FLOPs while no module is on the stack go to <see cref="Unattributed"/>.
/// Calling <c>forward()</c> directly bypasses the observer (its FLOPs go to the caller).</para>
/// </summary>
public sealed class FlopCounter : IDisposable
{
    private const int Kinds = 4;

    [ThreadStatic] private static List<FlopCounter>? t_active;

    private readonly int _thread;
    private readonly long[] _start = new long[Kinds];
    private readonly long[] _totals = new long[Kinds];
    private readonly bool _wasEnabled;
    private bool _running = true;

    // per-module attribution (only with a root)
    private readonly ModuleCallLedger? _ledger;
    private readonly long[] _scratch = new long[Kinds];

    private FlopCounter(nn.Module? root)
    {
        _thread = Environment.CurrentManagedThreadId;
        _wasEnabled = NativeMethods.zt_flops_enabled() != 0;
        NativeMethods.zt_flops_enable(1);
        NativeMethods.zt_flops_read(_start);
        if (root is not null) _ledger = new ModuleCallLedger(root, ReadTotal, _start.Sum());
    }

    /// <summary>Starts counting on this thread; with <paramref name="root"/>, also per module of its tree.</summary>
    public static FlopCounter Start(nn.Module? root = null)
    {
        var counter = new FlopCounter(root);
        (t_active ??= new List<FlopCounter>()).Add(counter);
        return counter;
    }

    /// <summary>Whether the counter is still counting.</summary>
    public bool IsRunning => _running;

    /// <summary>All counted FLOPs (the sum over kinds).</summary>
    public long Total => Snapshot().Sum();

    /// <summary>FLOPs of one kind.</summary>
    public long this[FlopKind kind] => Snapshot()[(int)kind];

    /// <summary>FLOPs by kind (every kind present, zeros included).</summary>
    public IReadOnlyDictionary<FlopKind, long> ByKind {
        get {
            var s = Snapshot();
            return Enum.GetValues<FlopKind>().ToDictionary(k => k, k => s[(int)k]);
        }
    }

    /// <summary>
    /// FLOPs per module path of the root's tree (modules that were called at least once), in first-call
    /// order. Empty without a root. Read it after <see cref="Stop"/>: while a module is still on the call
    /// stack its current call is not yet included.
    /// </summary>
    public IReadOnlyDictionary<string, ModuleFlops> ByModule =>
        (_ledger?.ByModule ?? new()).ToDictionary(kv => kv.Key, kv => new ModuleFlops(kv.Key, kv.Value.Calls, kv.Value.Inclusive, kv.Value.Exclusive),
            StringComparer.Ordinal);

    /// <summary>FLOPs counted while no module was on the call stack (only with a root).</summary>
    public long Unattributed => _ledger?.Outside ?? 0;

    /// <summary>Stops counting; the totals stay readable. Idempotent.</summary>
    public FlopCounter Stop()
    {
        if (!_running) return this;
        if (Environment.CurrentManagedThreadId != _thread)
            throw new InvalidOperationException("FlopCounter.Stop: a counter must be stopped on the thread that started it (counting is thread-local)");
        var active = t_active!;
        if (active[^1] != this)
            throw new InvalidOperationException("FlopCounter.Stop: counters must be stopped in reverse order of starting (dispose the inner counter first)");
        var now = new long[Kinds];
        NativeMethods.zt_flops_read(now);
        for (var i = 0; i < Kinds; i++) _totals[i] = now[i] - _start[i];
        _ledger?.Stop(now.Sum());
        active.RemoveAt(active.Count - 1);
        if (!_wasEnabled) {
            NativeMethods.zt_flops_enable(0);
            NativeMethods.zt_flops_reset();
        }
        _running = false;
        return this;
    }

    /// <summary>Stops the counter (see <see cref="Stop"/>).</summary>
    public void Dispose() => Stop();

    private long[] Snapshot()
    {
        if (!_running) return (long[])_totals.Clone();
        if (Environment.CurrentManagedThreadId != _thread)
            throw new InvalidOperationException("FlopCounter: a running counter can only be read on its own thread");
        var now = new long[Kinds];
        NativeMethods.zt_flops_read(now);
        for (var i = 0; i < Kinds; i++) now[i] -= _start[i];
        return now;
    }

    // The sum over kinds of the native counters now (the ledger's clock).
    private long ReadTotal()
    {
        NativeMethods.zt_flops_read(_scratch);
        return _scratch[0] + _scratch[1] + _scratch[2] + _scratch[3];
    }

    /// <summary>A plain-text table: totals by kind, then per module (inclusive, exclusive, calls).</summary>
    public string ToTable()
    {
        var sb = new StringBuilder();
        var kinds = ByKind;
        sb.AppendLine(CultureInfo.InvariantCulture, $"FLOPs total {Total:N0}");
        foreach (var (k, v) in kinds) sb.AppendLine(CultureInfo.InvariantCulture, $"  {k,-8} {v,20:N0}");
        if (_ledger is { ByModule.Count: > 0 }) {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{"module",-40} {"inclusive",20} {"exclusive",20} {"calls",8}");
            foreach (var m in ByModule.Values)
                sb.AppendLine(CultureInfo.InvariantCulture, $"{(m.Path.Length == 0 ? "(root)" : m.Path),-40} {m.Inclusive,20:N0} {m.Exclusive,20:N0} {m.Calls,8}");
            if (Unattributed != 0) sb.AppendLine(CultureInfo.InvariantCulture, $"{"(outside modules)",-40} {Unattributed,20:N0}");
        }
        return sb.ToString();
    }
}
