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
    private readonly Dictionary<nn.Module, string> _paths = new(ReferenceEqualityComparer.Instance);
    private readonly Action<nn.Module, bool>? _previous;
    private readonly Action<nn.Module, bool> _observer;
    private readonly List<(nn.Module Module, string Path, long AtEnter)> _stack = new();
    private readonly Dictionary<string, (long Calls, long Inclusive, long Exclusive)> _byModule = new(StringComparer.Ordinal);
    private readonly int _thread;
    private long _last;
    private long _outside;
    private bool _running = true;

    private ModuleTimer(nn.Module root)
    {
        _thread = Environment.CurrentManagedThreadId;
        _paths[root] = "";
        foreach (var (name, m) in root.named_modules()) _paths.TryAdd(m, name);
        _previous = nn.Module.CallObserver;
        _observer = OnCall;
        nn.Module.CallObserver = _previous is null ? _observer : _previous + _observer;
        _last = Stopwatch.GetTimestamp();
    }

    /// <summary>Starts timing the calls of <paramref name="root"/>'s tree on this thread.</summary>
    public static ModuleTimer Start(nn.Module root) => new(root ?? throw new ArgumentNullException(nameof(root)));

    /// <summary>Time per module path, in first-call order (read it after <see cref="Stop"/>).</summary>
    public IReadOnlyDictionary<string, ModuleTime> ByModule =>
        _byModule.ToDictionary(kv => kv.Key, kv => new ModuleTime(kv.Key, kv.Value.Calls, Span(kv.Value.Inclusive), Span(kv.Value.Exclusive)),
            StringComparer.Ordinal);

    /// <summary>Time while no module of the tree was on the call stack.</summary>
    public TimeSpan Outside => Span(_outside);

    /// <summary>Stops timing. Idempotent.</summary>
    public ModuleTimer Stop()
    {
        if (!_running) return this;
        if (Environment.CurrentManagedThreadId != _thread)
            throw new InvalidOperationException("ModuleTimer.Stop: a timer must be stopped on the thread that started it");
        Charge(Stopwatch.GetTimestamp());
        nn.Module.CallObserver = _previous;
        _running = false;
        return this;
    }

    /// <summary>Stops the timer.</summary>
    public void Dispose() => Stop();

    private static TimeSpan Span(long ticks) => TimeSpan.FromSeconds(ticks / (double)Stopwatch.Frequency);

    private void Charge(long now)
    {
        var delta = now - _last;
        _last = now;
        if (_stack.Count == 0) {
            _outside += delta;
            return;
        }
        var path = _stack[^1].Path;
        var e = _byModule[path];
        _byModule[path] = (e.Calls, e.Inclusive, e.Exclusive + delta);
    }

    private void OnCall(nn.Module module, bool enter)
    {
        var now = Stopwatch.GetTimestamp();
        Charge(now);
        if (enter) {
            var path = _paths.TryGetValue(module, out var p) ? p : "?" + module.GetName();
            _stack.Add((module, path, now));
            _byModule.TryAdd(path, (0, 0, 0));
            return;
        }
        for (var i = _stack.Count - 1; i >= 0; i--) {
            if (!ReferenceEquals(_stack[i].Module, module)) continue;
            var (_, path, atEnter) = _stack[i];
            _stack.RemoveRange(i, _stack.Count - i);
            var nested = _stack.Any(f => ReferenceEquals(f.Module, module));
            var e = _byModule[path];
            _byModule[path] = (e.Calls + 1, nested ? e.Inclusive : e.Inclusive + (now - atEnter), e.Exclusive);
            return;
        }
    }

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
