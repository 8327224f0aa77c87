using System;
using System.Collections.Generic;
using System.Linq;

namespace TorchSharp;

/// <summary>
/// Owns every tensor created on its thread while it is the innermost open scope (TorchSharp semantics):
/// disposing the scope disposes them, except those moved out with <see cref="MoveToOuter{T}(T)"/> /
/// <c>tensor.MoveToOuterDisposeScope()</c> or detached with <see cref="Detach{T}(T)"/>.
/// Scopes nest; open one with <c>torch.NewDisposeScope()</c> in a <c>using</c>.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    private readonly DisposeScopeManager _manager;
    private HashSet<IDisposable> _disposables = new(ReferenceEqualityComparer.Instance);

    internal DisposeScope(DisposeScopeManager manager, DisposeScope? outer)
    {
        _manager = manager;
        OuterScope = outer;
    }

    /// <summary>The enclosing scope, if any.</summary>
    public DisposeScope? OuterScope { get; }

    /// <summary>How many disposables this scope currently owns.</summary>
    public int DisposablesCount => _disposables.Count;

    /// <summary>A snapshot of the owned disposables.</summary>
    public IReadOnlyList<IDisposable> DisposablesView => _disposables.ToList();

    /// <summary>Whether this scope owns <paramref name="disposable"/>.</summary>
    public bool Contains(IDisposable disposable) => _disposables.Contains(disposable);

    /// <summary>Adds a disposable (tensors are added automatically).</summary>
    public T Include<T>(T disposable) where T : IDisposable
    {
        Attach(disposable);
        return disposable;
    }

    /// <summary>Takes ownership of <paramref name="disposable"/>, removing it from any other scope.</summary>
    public void Attach(IDisposable disposable)
    {
        if (disposable is torch.Tensor t) {
            t.OwningDisposeScope?._disposables.Remove(t);
            t.OwningDisposeScope = this;
        }
        _disposables.Add(disposable);
    }

    internal void AttachNew(torch.Tensor tensor) => _disposables.Add(tensor);

    public T MoveToOuter<T>(T disposable) where T : IDisposable
    {
        MoveToOther(OuterScope, disposable);
        return disposable;
    }

    public (T1 first, T2 second) MoveToOuter<T1, T2>(T1 first, T2 second) where T1 : IDisposable where T2 : IDisposable
    {
        MoveToOuter(first);
        MoveToOuter(second);
        return (first, second);
    }

    public (T1 first, T2 second, T3 third) MoveToOuter<T1, T2, T3>(T1 first, T2 second, T3 third)
        where T1 : IDisposable where T2 : IDisposable where T3 : IDisposable
    {
        MoveToOuter(first);
        MoveToOuter(second);
        MoveToOuter(third);
        return (first, second, third);
    }

    public void MoveToOuter(params IDisposable[] disposables) => MoveToOuter((IEnumerable<IDisposable>)disposables);

    public void MoveToOuter(IEnumerable<IDisposable> disposables)
    {
        foreach (var d in disposables) MoveToOther(OuterScope, d);
    }

    /// <summary>Moves a disposable to <paramref name="scope"/> (null = no scope at all).</summary>
    public T MoveToOther<T>(DisposeScope? scope, T disposable) where T : IDisposable
    {
        if (!_disposables.Remove(disposable)) return disposable;
        if (scope is null) {
            if (disposable is torch.Tensor t) t.OwningDisposeScope = null;
        } else {
            scope.Attach(disposable);
        }
        return disposable;
    }

    /// <summary>Removes a disposable from every scope: its owner becomes the caller.</summary>
    public T Detach<T>(T disposable) where T : IDisposable => MoveToOther(null, disposable);

    public void Detach(params IDisposable[] disposables) => Detach((IEnumerable<IDisposable>)disposables);

    public void Detach(IEnumerable<IDisposable> disposables)
    {
        foreach (var d in disposables) MoveToOther(null, d);
    }

    /// <summary>Disposes everything the scope owns now; the scope stays open.</summary>
    public void DisposeEverything() => DisposeEverythingBut(Array.Empty<IDisposable>());

    /// <summary>Disposes everything the scope owns except <paramref name="keep"/>; the scope stays open.</summary>
    public void DisposeEverythingBut(params IDisposable[] keep) => DisposeEverythingBut((IEnumerable<IDisposable>)keep);

    public void DisposeEverythingBut(IEnumerable<IDisposable> keep)
    {
        var old = _disposables;
        _disposables = new HashSet<IDisposable>(ReferenceEqualityComparer.Instance);
        foreach (var k in keep) {
            if (old.Remove(k)) _disposables.Add(k);
        }
        foreach (var d in old) {
            if (d is torch.Tensor t) t.OwningDisposeScope = null;
            d.Dispose();
        }
    }

    public T DisposeEverythingBut<T>(T keep) where T : IDisposable
    {
        DisposeEverythingBut(new IDisposable[] { keep });
        return keep;
    }

    /// <summary>Called by a tensor disposed by hand, so the scope forgets it.</summary>
    public void MarkAsDisposed(IDisposable disposable)
    {
        _disposables.Remove(disposable);
        if (disposable is torch.Tensor t) t.OwningDisposeScope = null;
    }

    /// <summary>Disposes everything owned and closes the scope.</summary>
    public void Dispose()
    {
        DisposeEverything();
        _manager.Remove(this);
    }
}

/// <summary>The per-thread stack of open <see cref="DisposeScope"/>s.</summary>
public sealed class DisposeScopeManager
{
    [ThreadStatic] private static DisposeScopeManager? _threadSingleton;

    private readonly List<DisposeScope> _stack = new();

    /// <summary>This thread's manager.</summary>
    public static DisposeScopeManager ThreadSingleton => _threadSingleton ??= new DisposeScopeManager();

    /// <summary>The innermost open scope, if any.</summary>
    public DisposeScope? CurrentDisposeScope => _stack.Count == 0 ? null : _stack[^1];

    /// <summary>Opens a new innermost scope.</summary>
    public DisposeScope NewDisposeScope()
    {
        var scope = new DisposeScope(this, CurrentDisposeScope);
        _stack.Add(scope);
        return scope;
    }

    internal static DisposeScope? RegisterOnCurrent(torch.Tensor tensor)
    {
        var manager = _threadSingleton;
        if (manager is null || manager._stack.Count == 0) return null;
        var scope = manager._stack[^1];
        scope.AttachNew(tensor);
        return scope;
    }

    internal void Remove(DisposeScope scope)
    {
        // Scopes normally close innermost-first; tolerate out-of-order disposal.
        var i = _stack.LastIndexOf(scope);
        if (i >= 0) _stack.RemoveAt(i);
    }
}
