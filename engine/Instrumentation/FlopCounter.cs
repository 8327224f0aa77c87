using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine;

/// <summary>The matrix-product families the FLOP counter distinguishes.</summary>
public enum FlopKind
{
    /// <summary>Products the zoo computes itself and reports with <see cref="FlopCounter.Record"/>: attention scores and the attention-weighted values.</summary>
    Matmul = 0,
    /// <summary><c>nn.Linear</c> modules (the weight product only).</summary>
    Linear = 1,
    /// <summary>Batched products reported with <see cref="FlopCounter.Record"/> (none in the zoo today).</summary>
    Bmm = 2,
    /// <summary><c>Conv1d/2d/3d</c> modules (the kernel products only).</summary>
    Conv = 3,
}

/// <summary>FLOPs attributed to one module path, summed over all its calls.</summary>
/// <param name="Path">Dotted path from the root (<c>""</c> is the root itself).</param>
/// <param name="Calls">How many times the module was called.</param>
/// <param name="Inclusive">FLOPs while the module was on the call stack (its own and its descendants').</param>
/// <param name="Exclusive">FLOPs while it was the innermost module on the call stack.</param>
public sealed record ModuleFlops(string Path, long Calls, long Inclusive, long Exclusive);

/// <summary>
/// Counts the floating-point operations of the matrix products a module tree runs on this thread while the
/// counter is open:
/// <code>
/// using var flops = FlopCounter.Start(model);
/// model.call(x);
/// flops.Stop();                                 // or let Dispose stop it
/// Console.WriteLine(flops.Total);               // flops[FlopKind.Linear], flops.ByModule["layers.0.mlp"] ...
/// </code>
/// <para><b>How it counts</b> (TorchSharp runs its kernels natively and exposes no op-level hook, so the
/// counter works at two levels the zoo controls): a forward hook on every <c>nn.Linear</c> and <c>ConvNd</c>
/// module of the tree counts its product from the output shape, and the zoo's own call sites of products
/// that are not modules (the attention kernel, <c>ScaledDotProductAttention</c>) report theirs with
/// <see cref="Record"/>. 2 FLOPs per multiply-add, exactly: <c>linear</c>: 2·numel(out)·in_features;
/// <c>conv</c>: 2·numel(out)·(in_channels/groups)·prod(kernel); attention: 2·B·h·S·K·(d + d_v). Not counted:
/// bias additions, softmax, normalisations, activations, element-wise arithmetic, reductions, pooling, and
/// the backward pass. A product computed by a direct <c>torch.matmul</c> or <c>functional.linear</c> call
/// outside these sites, or by a module's <c>forward()</c> called without <c>call()</c>, is not seen; the
/// cost-model tests would show it as a difference.</para>
/// <para><b>Threads and nesting</b>: counting is thread-local; work the counting thread hands to other
/// threads is not seen. Counters nest: an inner counter sees its own region, an outer counter sees
/// everything including the inner region. Counters must be stopped on their own thread in reverse order of
/// starting (<c>using</c> guarantees this); stopping out of order throws.</para>
/// <para><b>Per module</b>: every <c>call()</c> of a module in the root's tree is observed through forward
/// hooks; each FLOP goes to the innermost module on the call stack (exclusive) and to every module on the
/// stack (inclusive). FLOPs while no module is on the stack go to <see cref="Unattributed"/>.</para>
/// </summary>
public sealed class FlopCounter : IDisposable
{
    private const int Kinds = 4;

    [ThreadStatic] private static List<FlopCounter>? t_active;

    private readonly int _thread;
    private readonly long[] _totals = new long[Kinds];
    private readonly List<Action> _removers = new();
    private readonly ModuleCallLedger _ledger;
    private bool _running = true;

    private FlopCounter(nn.Module root)
    {
        _thread = Environment.CurrentManagedThreadId;
        var modules = root.named_modules().Select(m => m.module).Prepend(root).Distinct(ReferenceEqualityComparer.Instance).Cast<nn.Module>();
        foreach (var module in modules)
        {
            switch (module)
            {
                case Linear linear:
                    var hook = linear.register_forward_hook((m, input, output) =>
                    {
                        Count(FlopKind.Linear, 2 * output.numel() * input.shape[^1]);
                        return null!;   // null: the output is not replaced
                    });
                    _removers.Add(hook.remove);
                    break;
                case Convolution conv:
                    var convHook = conv.register_forward_hook((m, input, output) =>
                    {
                        var w = ((Convolution)m).weight!.shape;   // [out, in/groups, k...]
                        var perOutput = w.Skip(1).Aggregate(1L, (a, b) => a * b);
                        Count(FlopKind.Conv, 2 * output.numel() * perOutput);
                        return null!;
                    });
                    _removers.Add(convHook.remove);
                    break;
            }
        }

        // After the product hooks, so a module's own products are charged while it is on the call stack.
        _ledger = new ModuleCallLedger(root, ReadTotal, 0);
    }

    /// <summary>Starts counting the products run by <paramref name="root"/>'s tree on this thread.</summary>
    public static FlopCounter Start(nn.Module root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var counter = new FlopCounter(root);
        (t_active ??= new List<FlopCounter>()).Add(counter);
        return counter;
    }

    /// <summary>
    /// Reports <paramref name="flops"/> of kind <paramref name="kind"/> to every counter running on this thread
    /// (a no-op when none is). For the zoo's own products that are not modules, e.g. the attention kernel.
    /// </summary>
    public static void Record(FlopKind kind, long flops)
    {
        var active = t_active;
        if (active is null) return;
        foreach (var counter in active) counter.Count(kind, flops);
    }

    /// <summary>Whether any counter is running on this thread (lets a call site skip computing a count).</summary>
    public static bool IsCounting => t_active is { Count: > 0 };

    /// <summary>Whether the counter is still counting.</summary>
    public bool IsRunning => _running;

    /// <summary>All counted FLOPs (the sum over kinds).</summary>
    public long Total => Snapshot().Sum();

    /// <summary>FLOPs of one kind.</summary>
    public long this[FlopKind kind] => Snapshot()[(int)kind];

    /// <summary>FLOPs by kind (every kind present, zeros included).</summary>
    public IReadOnlyDictionary<FlopKind, long> ByKind
    {
        get
        {
            var s = Snapshot();
            return Enum.GetValues<FlopKind>().ToDictionary(k => k, k => s[(int)k]);
        }
    }

    /// <summary>
    /// FLOPs per module path of the root's tree (modules that were called at least once), in first-call
    /// order. Read it after <see cref="Stop"/>: while a module is still on the call stack its current call is
    /// not yet included.
    /// </summary>
    public IReadOnlyDictionary<string, ModuleFlops> ByModule =>
        _ledger.ByModule.ToDictionary(kv => kv.Key, kv => new ModuleFlops(kv.Key, kv.Value.Calls, kv.Value.Inclusive, kv.Value.Exclusive),
            StringComparer.Ordinal);

    /// <summary>FLOPs counted while no module of the tree was on the call stack.</summary>
    public long Unattributed => _ledger.Outside;

    /// <summary>Stops counting; the totals stay readable. Idempotent.</summary>
    public FlopCounter Stop()
    {
        if (!_running) return this;
        if (Environment.CurrentManagedThreadId != _thread)
        {
            throw new InvalidOperationException("FlopCounter.Stop: a counter must be stopped on the thread that started it (counting is thread-local)");
        }

        var active = t_active!;
        if (active[^1] != this)
        {
            throw new InvalidOperationException("FlopCounter.Stop: counters must be stopped in reverse order of starting (dispose the inner counter first)");
        }

        _ledger.Stop(ReadTotal());
        foreach (var remove in _removers) remove();
        active.RemoveAt(active.Count - 1);
        _running = false;
        return this;
    }

    /// <summary>Stops the counter (see <see cref="Stop"/>).</summary>
    public void Dispose() => Stop();

    private void Count(FlopKind kind, long flops)
    {
        if (!_running || Environment.CurrentManagedThreadId != _thread) return;
        _totals[(int)kind] += flops;
    }

    private long[] Snapshot()
    {
        if (_running && Environment.CurrentManagedThreadId != _thread)
        {
            throw new InvalidOperationException("FlopCounter: a running counter can only be read on its own thread");
        }

        return (long[])_totals.Clone();
    }

    // The sum over kinds (the ledger's clock).
    private long ReadTotal() => _totals[0] + _totals[1] + _totals[2] + _totals[3];

    /// <summary>A plain-text table: totals by kind, then per module (inclusive, exclusive, calls).</summary>
    public string ToTable()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"FLOPs total {Total:N0}");
        foreach (var (k, v) in ByKind) sb.AppendLine(CultureInfo.InvariantCulture, $"  {k,-8} {v,20:N0}");
        if (_ledger.ByModule.Count > 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{"module",-40} {"inclusive",20} {"exclusive",20} {"calls",8}");
            foreach (var m in ByModule.Values)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"{(m.Path.Length == 0 ? "(root)" : m.Path),-40} {m.Inclusive,20:N0} {m.Exclusive,20:N0} {m.Calls,8}");
            }

            if (Unattributed != 0) sb.AppendLine(CultureInfo.InvariantCulture, $"{"(outside modules)",-40} {Unattributed,20:N0}");
        }

        return sb.ToString();
    }
}
