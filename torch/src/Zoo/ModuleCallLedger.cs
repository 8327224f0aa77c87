using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine;

/// <summary>
/// Per-module attribution of a monotonic counter (FLOPs for <see cref="FlopCounter"/>, Stopwatch ticks for
/// <see cref="ModuleTimer"/>) from the <c>call()</c> events of a module tree on this thread (through
/// <c>Module.CallObserver</c>, chained after any observer already installed). Each increment goes to the
/// innermost module on the call stack (exclusive) and to every module on the stack (inclusive; a module
/// re-entered recursively is charged once, by its outermost frame); increments while no module is on the stack
/// go to <see cref="Outside"/>. Modules outside the tree are reported as <c>?TypeName</c>.
/// </summary>
internal sealed class ModuleCallLedger
{
    private readonly Func<long> _read;
    private readonly Dictionary<nn.Module, string> _paths = new(ReferenceEqualityComparer.Instance);
    private readonly Action<nn.Module, bool>? _previous;
    private readonly List<(nn.Module Module, string Path, long AtEnter)> _stack = new();
    private long _last;

    /// <summary>Starts observing the calls of <paramref name="root"/>'s tree; <paramref name="start"/> is the counter's value now.</summary>
    public ModuleCallLedger(nn.Module root, Func<long> read, long start)
    {
        _read = read;
        _last = start;
        _paths[root] = "";
        foreach (var (name, m) in root.named_modules()) _paths.TryAdd(m, name);
        _previous = nn.Module.CallObserver;
        Action<nn.Module, bool> observer = OnCall;
        nn.Module.CallObserver = _previous is null ? observer : _previous + observer;
    }

    /// <summary>Calls, inclusive and exclusive counts per module path, in first-call order.</summary>
    public Dictionary<string, (long Calls, long Inclusive, long Exclusive)> ByModule { get; } = new(StringComparer.Ordinal);

    /// <summary>What was counted while no module was on the call stack.</summary>
    public long Outside { get; private set; }

    /// <summary>Charges everything up to <paramref name="now"/> and restores the observer found at the start.</summary>
    public void Stop(long now)
    {
        Charge(now);
        nn.Module.CallObserver = _previous;
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
        var now = _read();
        Charge(now);
        if (enter) {
            var path = _paths.TryGetValue(module, out var p) ? p : "?" + module.GetName();
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
