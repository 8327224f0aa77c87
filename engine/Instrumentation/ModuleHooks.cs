using System;
using System.Collections.Generic;
using System.Reflection;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine;

/// <summary>
/// TorchSharp's forward hooks for modules of any arity. Every <c>Module&lt;…&gt;</c> derives from
/// <c>HookableModule&lt;TPreHook, TPostHook&gt;</c>, whose <c>register_forward_pre_hook(Action&lt;Module&gt;)</c> and
/// <c>register_forward_hook(Action&lt;Module&gt;)</c> take an untyped callback; <c>call()</c> runs the untyped pre-hooks
/// first and the untyped post-hooks last (after the typed ones). <c>forward()</c> runs no hooks.
/// </summary>
internal static class ModuleHooks
{
    /// <summary>
    /// Registers <paramref name="enter"/> and <paramref name="leave"/> on <paramref name="module"/> when it is
    /// hookable (a <c>Module&lt;…&gt;</c>; containers such as <c>ModuleList</c> are not called and are skipped).
    /// </summary>
    /// <returns>The removers of the hooks registered (empty when the module is not hookable).</returns>
    public static IEnumerable<Action> Register(nn.Module module, Action<nn.Module> enter, Action<nn.Module> leave)
    {
        var pre = Find(module.GetType(), "register_forward_pre_hook");
        var post = Find(module.GetType(), "register_forward_hook");
        if (pre is null || post is null) yield break;
        yield return Remover(pre.Invoke(module, new object[] { enter }));
        yield return Remover(post.Invoke(module, new object[] { leave }));
    }

    private static MethodInfo? Find(Type type, string name)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (!t.IsGenericType || t.GetGenericTypeDefinition().Name != "HookableModule`2") continue;
            return t.GetMethod(name, new[] { typeof(Action<nn.Module>) });
        }

        return null;
    }

    private static Action Remover(object? handle)
    {
        var remove = handle?.GetType().GetMethod("remove", Type.EmptyTypes)
            ?? throw new InvalidOperationException("TorchSharp's hook registration returned no remover");
        return () => remove.Invoke(handle, null);
    }
}
