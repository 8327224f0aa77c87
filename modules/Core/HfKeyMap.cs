using System;
using System.Collections.Generic;
using System.Linq;

namespace CrossLMM.Zoo.Modules.Core;

/// <summary>
/// One rule of an <see cref="HfKeyMap"/>: a state-dict key of the block that equals <paramref name="Prefix"/>, or starts
/// with it when it ends in '.', is read from the Hugging Face key <paramref name="Hf"/> + the rest of the key.
/// The empty prefix matches every key.
/// </summary>
/// <param name="Prefix">The block's own key or key prefix (<c>""</c>, <c>"mlp."</c>, <c>"image_newline"</c>).</param>
/// <param name="Hf">What the checkpoint calls it.</param>
public sealed record HfKeyRule(string Prefix, string Hf)
{
    /// <summary>Whether <paramref name="key"/> falls under this rule.</summary>
    /// <param name="key">A key relative to the block.</param>
    public bool Matches(string key) =>
        Prefix.Length == 0 || key == Prefix || (Prefix.EndsWith('.') && key.StartsWith(Prefix, StringComparison.Ordinal));
}

/// <summary>
/// A block's declaration of its Hugging Face checkpoint key names, relative to the block: the names its own state dict
/// uses map to the names of the HF module it stands for (e.g. the zoo's <c>SiglipVisionTransformer</c> is HF's
/// <c>SiglipVisionModel</c>, whose keys all sit under <c>vision_model.</c>). A block without a map, or with
/// <see cref="Same"/>, already uses HF's names. Maps compose down the module tree (<see cref="Compose"/>): a key is
/// mapped by its innermost block first, then by each enclosing block, so every block states only its own layer.
/// </summary>
public sealed class HfKeyMap
{
    private readonly HfKeyRule[] _rules;

    /// <summary>Creates a map.</summary>
    /// <param name="hfModule">The Hugging Face module the block stands for (for messages and docs), e.g. <c>SiglipVisionModel</c>.</param>
    /// <param name="rules">The renames; the longest matching prefix wins, keys no rule matches keep their name.</param>
    /// <exception cref="ArgumentException">Two rules with one prefix, or a prefix that is neither empty, a key, nor ends in '.'.</exception>
    public HfKeyMap(string hfModule, params HfKeyRule[] rules)
    {
        ArgumentNullException.ThrowIfNull(hfModule);
        ArgumentNullException.ThrowIfNull(rules);
        var duplicate = rules.GroupBy(r => r.Prefix, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"two rules for the prefix '{duplicate.Key}'", nameof(rules));
        }

        HfModule = hfModule;
        _rules = rules.OrderByDescending(r => r.Prefix.Length).ToArray();
    }

    /// <summary>A block whose keys are already Hugging Face's.</summary>
    public static HfKeyMap Same { get; } = new("(same names)");

    /// <summary>
    /// A block no Hugging Face checkpoint has (a fusion block new in the zoo's architecture): its keys are absent from
    /// every checkpoint, and loading a base model's weights needs <c>--allow-missing</c> for them.
    /// </summary>
    /// <param name="origin">Where the block comes from (a paper), for messages.</param>
    public static HfKeyMap New(string origin) => new($"new block ({origin}); not in Hugging Face checkpoints") { IsNew = true };

    /// <summary>Whether the block is new (<see cref="New"/>).</summary>
    public bool IsNew { get; private init; }

    /// <summary>The Hugging Face module the block stands for.</summary>
    public string HfModule { get; }

    /// <summary>The rules, longest prefix first.</summary>
    public IReadOnlyList<HfKeyRule> Rules => _rules;

    /// <summary>The Hugging Face name of one of the block's keys.</summary>
    /// <param name="key">A key relative to the block (already mapped by the blocks inside it).</param>
    public string Apply(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach (var rule in _rules)
        {
            if (rule.Matches(key))
            {
                return rule.Hf + key[rule.Prefix.Length..];
            }
        }

        return key;
    }

    /// <summary>
    /// The Hugging Face name of every state-dict key of <paramref name="model"/>: each key is mapped by the
    /// <see cref="IHfKeyMapped"/> blocks on its path, innermost first, then by <paramref name="root"/> (the checkpoint
    /// layout of the whole model, e.g. <c>LlavaOnevisionForConditionalGeneration</c>'s).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="root">The top-level map, or null when the model's own map (if any) is the whole story.</param>
    /// <returns>Zoo key → Hugging Face key, in state-dict order.</returns>
    public static IReadOnlyDictionary<string, string> Compose(nn.Module model, HfKeyMap? root = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in model.state_dict().Keys)
        {
            string hf = Map(model, key);
            map[key] = root is null ? hf : root.Apply(hf);
        }

        return map;
    }

    /// <summary>The state-dict keys of <paramref name="model"/> that sit in a block declared <see cref="New"/>, with that block's path.</summary>
    /// <param name="model">The model.</param>
    /// <returns>Key → path of its new block (e.g. <c>language_model.model.layers.3.cross_attn</c>).</returns>
    public static IReadOnlyDictionary<string, string> NewBlockKeys(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var blocks = model.named_modules().Where(m => m.module is IHfKeyMapped { HfKeys.IsNew: true }).Select(m => m.name + ".").ToArray();
        return model.state_dict().Keys
            .Select(k => (Key: k, Block: blocks.FirstOrDefault(b => k.StartsWith(b, StringComparison.Ordinal))))
            .Where(p => p.Block is not null)
            .ToDictionary(p => p.Key, p => p.Block![..^1], StringComparer.Ordinal);
    }

    private static string Map(nn.Module module, string key)
    {
        string mapped = key;
        int dot = key.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            string name = key[..dot];
            foreach (var (childName, child) in module.named_children())
            {
                if (childName == name)
                {
                    mapped = name + "." + Map(child, key[(dot + 1)..]);
                    break;
                }
            }
        }

        return module is IHfKeyMapped block ? block.HfKeys.Apply(mapped) : mapped;
    }

    /// <summary>"SiglipVisionModel: '' → 'vision_model.'".</summary>
    public override string ToString() =>
        HfModule + (_rules.Length == 0 ? "" : ": " + string.Join(", ", _rules.Select(r => $"'{r.Prefix}' → '{r.Hf}'")));
}

/// <summary>
/// A block that declares how its state-dict keys read in the Hugging Face checkpoint of the model it follows (its
/// <see cref="HfKeyMap"/>), next to its forward pass. <see cref="HfKeyMap.Compose"/> puts the declarations together.
/// </summary>
public interface IHfKeyMapped
{
    /// <summary>This block's key mapping, relative to the block.</summary>
    HfKeyMap HfKeys { get; }
}
