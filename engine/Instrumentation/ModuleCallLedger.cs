using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine;

/// <summary>
/// Per-module attribution of a monotonic counter (FLOPs for <see cref="FlopCounter"/>, Stopwatch ticks for
/// <see cref="ModuleTimer"/>) from the <c>call()</c> events of a module tree on this thread, observed through TorchSharp's forward hooks on
/// every module of the tree (<see cref="ModuleHooks"/>; calls on other threads are ignored). Each increment goes to the
/// innermost module on the call stack (exclusive) and to every module on the stack (inclusive; a module
/// re-entered recursively is charged once, by its outermost frame); increments while no module is on the stack
/// go to <see cref="Outside"/>. A module whose <c>forward()</c> is called directly
/// runs no hooks, so its work goes to its caller.
/// </summary>
internal sealed class ModuleCallLedger
{
    private readonly Func<long> _read;
    private readonly Dictionary<nn.Module, string> _paths = new(ReferenceEqualityComparer.Instance);
    private readonly List<Action> _removers = new();
    private readonly int _thread = Environment.CurrentManagedThreadId;
    private readonly List<(nn.Module Module, string Path, long AtEnter)> _stack = new();
    private long _last;

    /// <summary>Starts observing the calls of <paramref name="root"/>'s tree; <paramref name="start"/> is the counter's value now.</summary>
    public ModuleCallLedger(nn.Module root, Func<long> read, long start)
    {
        _read = read;
        _last = start;
        _paths[root] = "";
        foreach (var (name, m) in root.named_modules()) _paths.TryAdd(m, name);
        foreach (var module in _paths.Keys)
        {
            _removers.AddRange(ModuleHooks.Register(module, m => OnCall(m, enter: true), m => OnCall(m, enter: false)));
        }
    }

    /// <summary>Calls, inclusive and exclusive counts per module path, in first-call order.</summary>
    public Dictionary<string, (long Calls, long Inclusive, long Exclusive)> ByModule { get; } = new(StringComparer.Ordinal);

    /// <summary>What was counted while no module was on the call stack.</summary>
    public long Outside { get; private set; }

    /// <summary>Charges everything up to <paramref name="now"/> and removes the hooks.</summary>
    public void Stop(long now)
    {
        Charge(now);
        foreach (var remove in _removers) remove();
        _removers.Clear();
    }

    // Charges the increment since the last event to the innermost module on the stack.
    private void Charge(long now)
    {
        var delta = now - _last;
        _last = now;
        if (delta == 0) return;
        if (_stack.Count == 0) {
            Outside += delta;
            return;
        }
        var path = _stack[^1].Path;
        var e = ByModule[path];
        ByModule[path] = (e.Calls, e.Inclusive, e.Exclusive + delta);
    }

    private void OnCall(nn.Module module, bool enter)
    {
        if (Environment.CurrentManagedThreadId != _thread) return;
        var now = _read();
        Charge(now);
        if (enter) {
            var path = _paths[module];
            _stack.Add((module, path, now));
            ByModule.TryAdd(path, (0, 0, 0));
            return;
        }
        // Leave: pop the matching frame (tolerating a frame left open by an exception in an observer).
        for (var i = _stack.Count - 1; i >= 0; i--) {
            if (!ReferenceEquals(_stack[i].Module, module)) continue;
            var (_, path, atEnter) = _stack[i];
            _stack.RemoveRange(i, _stack.Count - i);
            var nested = _stack.Any(f => ReferenceEquals(f.Module, module));
            var e = ByModule[path];
            ByModule[path] = (e.Calls + 1, nested ? e.Inclusive : e.Inclusive + (now - atEnter), e.Exclusive);
            return;
        }
    }
}
