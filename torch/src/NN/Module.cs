using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using TorchSharp.Modules;
using TorchSharp.Native;
using TorchSharp.Utils;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>
        /// Base of every module: an ordered tree of named submodules, parameters and buffers (TorchSharp's
        /// managed <c>nn.Module</c>). A derived class declares its parts as fields, in the order they run, and
        /// ends its constructor with <see cref="RegisterComponents"/>; names follow the fields, so
        /// <c>self_attn.q_proj.weight</c> reads like the PyTorch/Hugging Face key.
        /// </summary>
        public abstract class Module : IDisposable
        {
            private readonly OrderedDictionary<string, Module> _submodules = new();
            private readonly OrderedDictionary<string, Parameter?> _parameters = new();
            private readonly OrderedDictionary<string, Tensor> _buffers = new();
            private readonly HashSet<string> _nonPersistent = new();
            private bool _registered;
            private bool _disposed;

            /// <summary>Observes every <c>call()</c> (enter = true, leave = false); used by zoo instrumentation.</summary>
#pragma warning disable CS0649 // assigned by the zoo's instrumentation (CrossLMM.Zoo.Engine)
            [ThreadStatic] internal static Action<Module, bool>? CallObserver;
#pragma warning restore CS0649

            protected Module(string name) => _name = name;

            private readonly string _name;

            /// <summary>The module's type name, as given to its constructor.</summary>
            public string GetName() => _name;

            /// <summary>True in training mode (dropout active), false after <see cref="eval"/>.</summary>
            public bool training { get; private set; } = true;

            public virtual Module train(bool train = true)
            {
                training = train;
                foreach (var (_, m) in _submodules) m.train(train);
                return this;
            }

            public virtual Module eval() => train(false);

            // ---- registration ----

            private static void CheckName(string name, string what)
            {
                if (string.IsNullOrEmpty(name)) throw new ArgumentException($"{what} name must not be empty", nameof(name));
                if (name.Contains('.')) throw new ArgumentException($"{what} name '{name}' must not contain '.'", nameof(name));
            }

            private void CheckUnique(string name)
            {
                if (_submodules.ContainsKey(name) || _parameters.ContainsKey(name) || _buffers.ContainsKey(name))
                    throw new ArgumentException($"'{name}' is already registered in {_name}", nameof(name));
            }

            public virtual void register_module(string name, Module submodule)
            {
                ArgumentNullException.ThrowIfNull(submodule);
                CheckName(name, "module");
                CheckUnique(name);
                _submodules.Add(name, submodule);
            }

            public virtual void register_parameter(string name, Parameter? param)
            {
                CheckName(name, "parameter");
                CheckUnique(name);
                param?.DetachFromDisposeScope();
                _parameters.Add(name, param);
            }

            /// <summary>
            /// Registers <paramref name="value"/> under <paramref name="name"/>, replacing a parameter registered there
            /// and keeping its position; null removes it (TorchSharp's hook for modules whose parameters are properties).
            /// </summary>
            protected void ConditionallyRegisterParameter(string name, Parameter? value)
            {
                if (value is null) {
                    _parameters.Remove(name);
                    return;
                }

                value.DetachFromDisposeScope();
                if (_parameters.ContainsKey(name)) {
                    _parameters[name] = value;
                } else {
                    CheckName(name, "parameter");
                    CheckUnique(name);
                    _parameters.Add(name, value);
                }
            }

            public virtual void register_buffer(string name, Tensor tensor, bool persistent = true)
            {
                ArgumentNullException.ThrowIfNull(tensor);
                CheckName(name, "buffer");
                CheckUnique(name);
                tensor.DetachFromDisposeScope();
                _buffers.Add(name, tensor);
                if (!persistent) _nonPersistent.Add(name);
            }

            /// <summary>Registers every Module, Parameter and Tensor field of the derived classes, in declaration order.</summary>
            protected virtual void RegisterComponents()
            {
                if (_registered) return;
                _registered = true;
                foreach (var field in FieldsOf(GetType())) {
                    var name = field.GetCustomAttribute<ComponentNameAttribute>()?.Name is { Length: > 0 } n ? n : field.Name;
                    if (_submodules.ContainsKey(name) || _parameters.ContainsKey(name) || _buffers.ContainsKey(name)) continue;
                    switch (field.GetValue(this)) {
                    case Module m:
                        register_module(name, m);
                        break;
                    case Parameter p:
                        register_parameter(name, p);
                        break;
                    case Tensor t:
                        register_buffer(name, t);
                        break;
                    }
                }
            }

            private static IEnumerable<FieldInfo> FieldsOf(Type? type)
            {
                var chain = new List<Type>();
                for (var t = type; t is not null && t != typeof(Module); t = t.BaseType) chain.Add(t);
                chain.Reverse(); // base-class fields first, then the derived ones
                foreach (var t in chain)
                    foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                        if (!f.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute)))
                            yield return f;
            }

            // ---- traversal ----

            public virtual IEnumerable<(string name, Module module)> named_children() =>
                _submodules.Select(kv => (kv.Key, kv.Value));

            public virtual IEnumerable<Module> children() => _submodules.Values;

            /// <summary>Every descendant module with its dotted path (the module itself is not included).</summary>
            public virtual IEnumerable<(string name, Module module)> named_modules()
            {
                foreach (var (name, child) in _submodules) {
                    yield return (name, child);
                    foreach (var (n, m) in child.named_modules()) yield return ($"{name}.{n}", m);
                }
            }

            public virtual IEnumerable<Module> modules() => named_modules().Select(x => x.module);

            public virtual IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true)
            {
                foreach (var (name, p) in _parameters)
                    if (p is not null) yield return (name, p);
                if (!recurse) yield break;
                foreach (var (name, child) in _submodules)
                    foreach (var (n, p) in child.named_parameters(true)) yield return ($"{name}.{n}", p);
            }

            public virtual IEnumerable<Parameter> parameters(bool recurse = true) => named_parameters(recurse).Select(x => x.parameter);

            public virtual IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true, bool include_nonpersistent = true)
            {
                foreach (var (name, b) in _buffers)
                    if (include_nonpersistent || !_nonPersistent.Contains(name)) yield return (name, b);
                if (!recurse) yield break;
                foreach (var (name, child) in _submodules)
                    foreach (var (n, b) in child.named_buffers(true, include_nonpersistent)) yield return ($"{name}.{n}", b);
            }

            public virtual IEnumerable<Tensor> buffers(bool recurse = true) => named_buffers(recurse).Select(x => x.buffer);

            public virtual Parameter? get_parameter(string target) =>
                named_parameters().FirstOrDefault(x => x.name == target).parameter;

            public virtual Module? get_submodule(string target)
            {
                Module? m = this;
                foreach (var part in target.Split('.')) {
                    if (m is null || !m._submodules.TryGetValue(part, out var next)) return null;
                    m = next;
                }
                return m;
            }

            /// <summary>Calls <paramref name="fn"/> on every descendant, then on this module.</summary>
            public Module apply(Action<Module> fn)
            {
                foreach (var (_, m) in _submodules) m.apply(fn);
                fn(this);
                return this;
            }

            // ---- state ----

            /// <summary>Parameters and persistent buffers by dotted name (the live tensors, not copies).</summary>
            public virtual Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null)
            {
                destination ??= new Dictionary<string, Tensor>();
                foreach (var (name, p) in named_parameters()) destination[prefix + name] = p;
                foreach (var (name, b) in named_buffers(true, include_nonpersistent: false)) destination[prefix + name] = b;
                return destination;
            }

            /// <summary>
            /// Copies values from <paramref name="source"/> into this module's parameters and buffers. With
            /// <paramref name="strict"/>, missing or unexpected keys throw; a shape mismatch always throws, naming
            /// the key and both shapes. Values are converted to each target's dtype and device.
            /// </summary>
            public virtual (IList<string> missing_keys, IList<string> unexpected_keyes) load_state_dict(
                Dictionary<string, Tensor> source, bool strict = true, IList<string>? skip = null)
            {
                ArgumentNullException.ThrowIfNull(source);
                var own = state_dict();
                var skipped = new HashSet<string>(skip ?? Array.Empty<string>());
                var missing = own.Keys.Where(k => !source.ContainsKey(k) && !skipped.Contains(k)).ToList();
                var unexpected = source.Keys.Where(k => !own.ContainsKey(k) && !skipped.Contains(k)).ToList();
                if (strict && (missing.Count > 0 || unexpected.Count > 0))
                    throw new InvalidOperationException(
                        $"load_state_dict for {_name}: missing keys [{string.Join(", ", missing)}], unexpected keys [{string.Join(", ", unexpected)}]");
                foreach (var (key, target) in own) {
                    if (skipped.Contains(key) || !source.TryGetValue(key, out var value)) continue;
                    var ts = target.shape;
                    var vs = value.shape;
                    if (!ts.SequenceEqual(vs))
                        throw new ArgumentException(
                            $"load_state_dict for {_name}: '{key}' has shape [{string.Join(", ", vs)}] in the source but [{string.Join(", ", ts)}] in the module");
                }
                using (no_grad()) {
                    foreach (var (key, target) in own) {
                        if (skipped.Contains(key) || !source.TryGetValue(key, out var value)) continue;
                        target.copy_(value);
                    }
                }
                return (missing, unexpected);
            }

            public virtual void zero_grad(bool set_to_none = true)
            {
                foreach (var p in parameters()) {
                    if (set_to_none) {
                        p.grad = null;
                    } else {
                        using var g = p.grad;
                        g?.zero_();
                    }
                }
            }

            /// <summary>Moves (or converts) every parameter and buffer in place; parameters keep their identity.</summary>
            public Module to(Device device, bool non_blocking = false) => Apply(t => t.to(device));
            public Module to(DeviceType deviceType, int deviceIndex = -1) => to(new Device(deviceType, deviceIndex));
            public Module to(string device) => to(new Device(device));
            public Module to(ScalarType dtype, bool non_blocking = false) =>
                Apply(t => t.is_floating_point() ? t.to(dtype) : t.alias());
            public Module to(Device device, ScalarType dtype, bool non_blocking = false) => to(device).to(dtype);
            public Module cpu() => to(CPU);
            public Module cuda(int deviceIndex = -1) => to(new Device(DeviceType.CUDA, deviceIndex));

            private Module Apply(Func<Tensor, Tensor> fn)
            {
                using var scope = NewDisposeScope();
                using (no_grad()) {
                    foreach (var t in parameters().Cast<Tensor>().Concat(buffers())) {
                        var moved = fn(t);
                        NativeError.Check(zt_set_data(t.Handle, moved.Handle));
                    }
                }
                return this;
            }

            // ---- lifetime ----

            public void Dispose()
            {
                Dispose(true);
                GC.SuppressFinalize(this);
            }

            protected virtual void Dispose(bool disposing)
            {
                if (_disposed || !disposing) return;
                _disposed = true;
                foreach (var (_, m) in _submodules) m.Dispose();
                foreach (var (_, p) in _parameters) p?.Dispose();
                foreach (var (_, b) in _buffers) b.Dispose();
            }

            internal void NotifyCall(bool enter) => CallObserver?.Invoke(this, enter);

            public override string ToString() => _name;
        }

        /// <summary>A module whose forward takes one input (arity checked at compile time).</summary>
        public abstract class Module<T, TResult> : Module
        {
            private readonly List<Func<Module<T, TResult>, T, T?>> _preHooks = new();
            private readonly List<Func<Module<T, TResult>, T, TResult, TResult?>> _hooks = new();

            protected Module(string name) : base(name) { }

            public abstract TResult forward(T input);

            /// <summary>Runs pre-hooks, <see cref="forward"/>, then hooks.</summary>
            public TResult call(T input)
            {
                foreach (var h in _preHooks) input = h(this, input) ?? input;
                NotifyCall(true);
                try {
                    var result = forward(input);
                    foreach (var h in _hooks) result = h(this, input, result) ?? result;
                    return result;
                } finally {
                    NotifyCall(false);
                }
            }

            public HookRemover register_forward_pre_hook(Func<Module<T, TResult>, T, T?> hook)
            {
                _preHooks.Add(hook);
                return new HookRemover(() => _preHooks.Remove(hook));
            }

            public HookRemover register_forward_hook(Func<Module<T, TResult>, T, TResult, TResult?> hook)
            {
                _hooks.Add(hook);
                return new HookRemover(() => _hooks.Remove(hook));
            }
        }

        /// <summary>A module whose forward takes two inputs.</summary>
        public abstract class Module<T1, T2, TResult> : Module
        {
            protected Module(string name) : base(name) { }

            public abstract TResult forward(T1 input1, T2 input2);

            public TResult call(T1 input1, T2 input2)
            {
                NotifyCall(true);
                try { return forward(input1, input2); } finally { NotifyCall(false); }
            }
        }

        /// <summary>A module whose forward takes three inputs.</summary>
        public abstract class Module<T1, T2, T3, TResult> : Module
        {
            protected Module(string name) : base(name) { }

            public abstract TResult forward(T1 input1, T2 input2, T3 input3);

            public TResult call(T1 input1, T2 input2, T3 input3)
            {
                NotifyCall(true);
                try { return forward(input1, input2, input3); } finally { NotifyCall(false); }
            }
        }

        /// <summary>A module whose forward takes four inputs.</summary>
        public abstract class Module<T1, T2, T3, T4, TResult> : Module
        {
            protected Module(string name) : base(name) { }

            public abstract TResult forward(T1 input1, T2 input2, T3 input3, T4 input4);

            public TResult call(T1 input1, T2 input2, T3 input3, T4 input4)
            {
                NotifyCall(true);
                try { return forward(input1, input2, input3, input4); } finally { NotifyCall(false); }
            }
        }

        /// <summary>Removes a registered hook.</summary>
        public sealed class HookRemover
        {
            private readonly Action _remove;
            internal HookRemover(Action remove) => _remove = remove;
            public void remove() => _remove();
        }

        /// <summary>Wraps <paramref name="data"/> as a trainable parameter.</summary>
        public static Parameter Parameter(Tensor data, bool requires_grad = true) => new(data, requires_grad);
    }
}
