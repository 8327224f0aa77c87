using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine;

/// <summary>Wall time attributed to one module path, summed over its calls.</summary>
/// <param name="Path">Dotted path from the root (<c>""</c> is the root itself).</param>
/// <param name="Calls">How many times the module was called.</param>
/// <param name="Inclusive">Time while the module was on the call stack.</param>
/// <param name="Exclusive">Time while it was the innermost module on the call stack.</param>
public sealed record ModuleTime(string Path, long Calls, TimeSpan Inclusive, TimeSpan Exclusive);

/// <summary>
/// Wall time per module of a tree, from every <c>call()</c> on this thread while it runs (the observer the
/// <see cref="FlopCounter"/> uses): a profiler's first look at where a forward pass spends its time.
/// <code>
/// using var timer = ModuleTimer.Start(model);
/// model.call(x);
/// timer.Stop();
/// Console.WriteLine(timer.ToTable());
/// </code>
/// Timing adds a Stopwatch read per call and leave, negligible against tensor work; calling
/// <c>forward()</c> directly bypasses the observer (its time goes to the caller). Thread-local; stop it on the
/// thread that started it.
/// </summary>
public sealed class ModuleTimer : IDisposable
{
    private readonly ModuleCallLedger _ledger;
    private readonly int _thread;
    private bool _running = true;

    private ModuleTimer(nn.Module root)
    {
        _thread = Environment.CurrentManagedThreadId;
        _ledger = new ModuleCallLedger(root, Stopwatch.GetTimestamp, Stopwatch.GetTimestamp());
    }

    /// <summary>Starts timing the calls of <paramref name="root"/>'s tree on this thread.</summary>
    public static ModuleTimer Start(nn.Module root) => new(root ?? throw new ArgumentNullException(nameof(root)));

    /// <summary>Time per module path, in first-call order (read it after <see cref="Stop"/>).</summary>
    public IReadOnlyDictionary<string, ModuleTime> ByModule =>
        _ledger.ByModule.ToDictionary(kv => kv.Key, kv => new ModuleTime(kv.Key, kv.Value.Calls, Span(kv.Value.Inclusive), Span(kv.Value.Exclusive)),
            StringComparer.Ordinal);

    /// <summary>Time while no module of the tree was on the call stack.</summary>
    public TimeSpan Outside => Span(_ledger.Outside);

    /// <summary>Stops timing. Idempotent.</summary>
    public ModuleTimer Stop()
    {
        if (!_running) return this;
        if (Environment.CurrentManagedThreadId != _thread)
            throw new InvalidOperationException("ModuleTimer.Stop: a timer must be stopped on the thread that started it");
        _ledger.Stop(Stopwatch.GetTimestamp());
        _running = false;
        return this;
    }

    /// <summary>Stops the timer.</summary>
    public void Dispose() => Stop();

    private static TimeSpan Span(long ticks) => TimeSpan.FromSeconds(ticks / (double)Stopwatch.Frequency);

    /// <summary>A plain-text table: per module path, inclusive and exclusive milliseconds and calls.</summary>
    /// <param name="depth">Only paths with at most this many dots (−1: all).</param>
    public string ToTable(int depth = -1)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"module",-56} {"incl ms",10} {"excl ms",10} {"calls",7}");
        foreach (var m in ByModule.Values.Where(m => depth < 0 || m.Path.Count(ch => ch == '.') <= depth))
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{(m.Path.Length == 0 ? "(root)" : m.Path),-56} {m.Inclusive.TotalMilliseconds,10:F1} {m.Exclusive.TotalMilliseconds,10:F1} {m.Calls,7}");
        return sb.ToString();
    }
}
