using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using CrossLMM.Zoo.Modules.Core;

namespace CrossLMM.Zoo.Tools.Checkpoints;

/// <summary>What strict loading did.</summary>
/// <param name="Loaded">Keys copied into the model.</param>
/// <param name="AllowedMissing">Model keys the checkpoint lacks that <c>--allow-missing</c> permitted (kept at their initialisation).</param>
/// <param name="Ignored">Checkpoint keys deliberately not loaded (a tied <c>lm_head.weight</c>).</param>
/// <param name="Converted">Keys whose stored dtype was converted to the model's (bf16/f16 → fp32), by stored dtype.</param>
public sealed record StrictLoadReport(int Loaded, IReadOnlyList<string> AllowedMissing, IReadOnlyList<string> Ignored, IReadOnlyDictionary<string, int> Converted);

/// <summary>
/// Loads checkpoint tensors into a module by its state-dict names, strictly: every model key must be in the
/// checkpoint (unless a <c>--allow-missing</c> pattern permits it) and every checkpoint key in the model; shapes must be
/// equal; stored bf16/f16/f64 values are converted to the parameter's dtype; a NaN or Inf is an error naming the
/// tensor. Nothing is copied until the key sets and shapes have all been checked.
/// <para>Keys are compared under their Hugging Face names: the model's state-dict names go through the per-block
/// declarations composed by <see cref="HfKeyMap.Compose"/> (identity for blocks whose names already are HF's). Two model
/// keys may read one checkpoint tensor (a copy each); messages name the checkpoint's keys.</para>
/// </summary>
public static class StrictStateLoader
{
    /// <summary>Keys listed in a message before "… (N in all)".</summary>
    public const int ListedKeys = 12;

    /// <summary>Loads <paramref name="weights"/> into <paramref name="model"/>.</summary>
    /// <param name="model">The model (its state-dict names must be the checkpoint's).</param>
    /// <param name="weights">The checkpoint.</param>
    /// <param name="allowMissing">Glob patterns (<c>*</c> = any run of characters) of model keys that may be absent.</param>
    /// <param name="ignore">Checkpoint keys to skip when present (a tied head's <c>lm_head.weight</c>).</param>
    /// <param name="hfKeys">Model key → checkpoint key (<see cref="HfKeyMap.Compose"/>); null = the model's names are the checkpoint's.</param>
    /// <exception cref="ZooUserException">Missing or unexpected keys, a shape mismatch, a non-finite value.</exception>
    public static StrictLoadReport Load(nn.Module model, CheckpointWeights weights, IEnumerable<string>? allowMissing = null, IEnumerable<string>? ignore = null,
        IReadOnlyDictionary<string, string>? hfKeys = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(weights);
        var patterns = (allowMissing ?? Array.Empty<string>()).Select(Glob).ToArray();
        var ignored = new HashSet<string>(ignore ?? Array.Empty<string>(), StringComparer.Ordinal);
        var modelState = model.state_dict();
        string Hf(string key) => hfKeys is not null && hfKeys.TryGetValue(key, out var hf) ? hf : key;
        var expectedModel = modelState.Keys.Order(StringComparer.Ordinal).ToArray();
        var readers = expectedModel.GroupBy(Hf, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        var expected = readers.Keys.Order(StringComparer.Ordinal).ToArray();
        var missing = expected.Where(k => !weights.Contains(k)).ToArray();
        var allowed = missing.Where(k => patterns.Any(p => p.IsMatch(k) || readers[k].Any(p.IsMatch))).ToArray();
        var notAllowed = missing.Except(allowed).ToArray();
        var unexpected = weights.Keys.Where(k => !readers.ContainsKey(k) && !ignored.Contains(k)).ToArray();
        if (notAllowed.Length > 0 || unexpected.Length > 0)
        {
            var parts = new List<string>();
            if (notAllowed.Length > 0) parts.Add($"{notAllowed.Length} missing key{(notAllowed.Length == 1 ? "" : "s")} ({List(notAllowed)})");
            if (unexpected.Length > 0) parts.Add($"{unexpected.Length} unexpected key{(unexpected.Length == 1 ? "" : "s")} ({List(unexpected)})");
            throw new ZooUserException(
                $"the checkpoint '{weights.Folder}' does not match the model ({model.GetName()}, {expected.Length} keys{(hfKeys is null ? "" : ", Hugging Face names")}): {string.Join("; ", parts)}" +
                (notAllowed.Length > 0 ? "; --allow-missing PATTERN permits absent keys such as new fusion blocks" + NewBlockHint(model, notAllowed, readers) : string.Empty));
        }

        // Every shape and dtype is checked before anything is copied: TorchSharp's copy_ broadcasts (a (H) tensor would
        // silently fill every row of an (H', H) weight), and a refused file must leave no half-loaded model behind.
        var wrong = new List<string>();
        foreach (var key in expected.Except(missing))
        {
            var stored = weights.Shape(key);
            var target = modelState[readers[key][0]];
            if (!stored.SequenceEqual(target.shape))
            {
                wrong.Add($"shape mismatch for '{key}': the checkpoint has ({string.Join(", ", stored)}), the model expects ({string.Join(", ", target.shape)})");
            }
            else if (target.is_floating_point() && !IsFloating(weights.Dtype(key)))
            {
                wrong.Add($"dtype mismatch for '{key}': the checkpoint has {weights.Dtype(key)} ({string.Join(", ", stored)}), the model expects {target.dtype} ({string.Join(", ", target.shape)})");
            }
        }

        if (wrong.Count == 1)
        {
            throw new ZooUserException(wrong[0]);
        }

        if (wrong.Count > 1)
        {
            throw new ZooUserException($"{wrong.Count} tensors of another shape or dtype; nothing was loaded: " + string.Join("; ", wrong.Take(3)) +
                (wrong.Count > 3 ? $"; … ({wrong.Count} in all)" : string.Empty));
        }

        var converted = new Dictionary<string, int>(StringComparer.Ordinal);
        int loaded = 0;
        using (torch.no_grad())
        {
            foreach (var key in expected.Except(missing))
            {
                using var scope = torch.NewDisposeScope();
                var source = weights.Read(key);
                var target = modelState[readers[key][0]];
                var values = source.dtype == target.dtype ? source : source.to(target.dtype);
                if (source.dtype != target.dtype)
                {
                    string name = source.dtype.ToString();
                    converted[name] = converted.GetValueOrDefault(name) + 1;
                }

                if (values.is_floating_point() && !values.isfinite().all().item<bool>())
                {
                    long nan = values.isnan().sum().item<long>();
                    long inf = values.isinf().sum().item<long>();
                    throw new ZooUserException($"the checkpoint tensor '{key}' holds non-finite values ({nan} NaN, {inf} Inf)");
                }

                foreach (var reader in readers[key])
                {
                    modelState[reader].copy_(values);
                }

                loaded += readers[key].Length;
            }
        }

        return new StrictLoadReport(loaded, allowed, weights.Keys.Where(ignored.Contains).ToArray(), converted);
    }

    // "(N of them are in blocks new in this architecture, e.g. language_model.model.layers.3.cross_attn: '*.cross_attn.*')"
    private static string NewBlockHint(nn.Module model, IReadOnlyList<string> missing, IReadOnlyDictionary<string, string[]> readers)
    {
        var newKeys = HfKeyMap.NewBlockKeys(model);
        var blocks = missing.SelectMany(k => readers[k]).Where(newKeys.ContainsKey).Select(k => newKeys[k]).Distinct(StringComparer.Ordinal).ToArray();
        if (blocks.Length == 0)
        {
            return string.Empty;
        }

        var names = blocks.Select(b => b[(b.LastIndexOf('.') + 1)..]).Distinct(StringComparer.Ordinal).Select(n => $"'*.{n}.*'");
        return $" ({blocks.Length} block{(blocks.Length == 1 ? " is" : "s are")} new in this architecture, e.g. {blocks[0]}: {string.Join(", ", names)})";
    }

    /// <summary>"a, b, c" or "a, b, … (N in all)".</summary>
    /// <param name="keys">Keys.</param>
    public static string List(IReadOnlyList<string> keys) =>
        string.Join(", ", keys.Take(ListedKeys)) + (keys.Count > ListedKeys ? $", … ({keys.Count} in all)" : string.Empty);

    private static bool IsFloating(ScalarType type) =>
        type is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);
}
