using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Modules;
using CrossLMM.Zoo.Spec;

namespace CrossLMM.Zoo.Tools.Catalog;

/// <summary>
/// The zoo as the tools see it: the generated catalogue (<see cref="Zoo"/>), the registry it was compiled
/// from, user spec files bound by the same spec core as the build, and models built from bound configs.
/// Every lookup by a name typed by a user throws <see cref="ZooUserException"/> with a "did you mean".
/// </summary>
public static class ZooCatalog
{
    /// <summary>The word that selects every architecture (<c>zoo cost all</c>).</summary>
    public const string All = "all";

    /// <summary>zoo.yaml as compiled into the catalogue (the presets a user spec is bound against).</summary>
    public static ZooRegistry Registry => Zoo.Registry;

    /// <summary>Every architecture, in zoo.yaml order.</summary>
    public static IReadOnlyList<ArchitectureInfo> Architectures => Zoo.Architectures;

    /// <summary>The presets, in zoo.yaml order.</summary>
    public static IReadOnlyList<string> Presets => Zoo.Presets;

    /// <summary>The architecture named by its stem or C# name (case-insensitive).</summary>
    /// <param name="nameOrStem">E.g. <c>crosslmm</c> or <c>CrossLmm</c>.</param>
    /// <exception cref="ZooUserException">No such architecture.</exception>
    public static ArchitectureInfo Find(string nameOrStem)
    {
        ArgumentNullException.ThrowIfNull(nameOrStem);
        var info = Zoo.Find(nameOrStem) ?? Architectures.FirstOrDefault(a =>
            string.Equals(a.Stem, nameOrStem, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(a.Name, nameOrStem, StringComparison.OrdinalIgnoreCase));
        return info ?? throw new ZooUserException(
            $"unknown architecture '{nameOrStem}'{NameSuggestions.Hint(nameOrStem, Architectures.Select(a => a.Stem))} (the zoo has: {string.Join(", ", Architectures.Select(a => a.Stem))})");
    }

    /// <summary>Architectures named on a command line, in the order given, without duplicates; <c>all</c> (or nothing) = the whole zoo in catalogue order.</summary>
    /// <param name="namesOrStems">Stems or names, possibly comma-separated.</param>
    /// <exception cref="ZooUserException">An unknown name.</exception>
    public static IReadOnlyList<ArchitectureInfo> Resolve(IEnumerable<string>? namesOrStems)
    {
        var names = SplitNames(namesOrStems);
        return names is null ? Architectures : names.Select(Find).Distinct().ToArray();
    }

    /// <summary>
    /// The configurations at one preset of what a command line names: catalogue stems or names and spec files
    /// (<see cref="ConfigOrFile"/>), comma-separated or not, in the order given, without duplicates; <c>all</c> (or
    /// nothing) = every catalogue architecture.
    /// </summary>
    /// <param name="namesStemsOrPaths">Stems, names or <c>.yaml</c> paths.</param>
    /// <param name="preset">Preset name (checked first).</param>
    /// <exception cref="ZooUserException">An unknown name or preset, or an unreadable file.</exception>
    /// <exception cref="SpecException">A spec file that does not bind.</exception>
    /// <param name="zooPath">For spec files: a zoo.yaml to bind against (<c>--zoo</c>); null = <see cref="RegistryFor"/>'s search.</param>
    public static IReadOnlyList<ArchitectureConfig> Configs(IEnumerable<string>? namesStemsOrPaths, string preset, string? zooPath = null)
    {
        var names = SplitNames(namesStemsOrPaths);
        if (names is null)
        {
            // An architecture whose spec lists its presets (presets: [2b, 7b]) is left out at the others.
            string p = Preset(preset);
            return Architectures.Where(a => a.Presets.Contains(p)).Select(a => a.Config(p)).ToArray();
        }

        // A spec file is checked against its own registry's presets (read at run time), a catalogue name against the
        // compiled one: first, so that a misspelt preset is the error rather than the first unknown name.
        if (names.Any(n => !IsSpecFile(n)))
        {
            Preset(preset);
        }

        return names.Select(n => ConfigOrFile(n, preset, zooPath)).DistinctBy(c => c.SourceFile).ToArray();
    }

    // The names of a command line, comma lists split; null = the whole zoo (nothing, or 'all' among them).
    private static string[]? SplitNames(IEnumerable<string>? names)
    {
        var split = (names ?? Array.Empty<string>())
            .SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToArray();
        return split.Length == 0 || split.Any(n => string.Equals(n, All, StringComparison.OrdinalIgnoreCase)) ? null : split;
    }

    /// <summary>Checks a preset name.</summary>
    /// <param name="preset">E.g. <c>tiny</c>, <c>7b</c>.</param>
    /// <returns>The preset name as zoo.yaml spells it.</returns>
    /// <exception cref="ZooUserException">No such preset.</exception>
    public static string Preset(string preset)
    {
        ArgumentNullException.ThrowIfNull(preset);
        var match = Presets.FirstOrDefault(p => string.Equals(p, preset, StringComparison.OrdinalIgnoreCase));
        return match ?? throw new ZooUserException(
            $"unknown preset '{preset}'{NameSuggestions.Hint(preset, Presets)} (presets: {string.Join(", ", Presets)})");
    }

    /// <summary>The bound configuration of a catalogue architecture at a preset.</summary>
    /// <param name="nameOrStem">Stem or C# name.</param>
    /// <param name="preset">Preset name.</param>
    /// <exception cref="ZooUserException">Unknown architecture or preset.</exception>
    public static ArchitectureConfig Config(string nameOrStem, string preset) => Find(nameOrStem).Config(Preset(preset));

    /// <summary>
    /// A catalogue architecture by stem or name, or — when the argument names a <c>.yaml</c>/<c>.yml</c> file —
    /// that user spec bound by the runtime path (<see cref="Bind"/>).
    /// </summary>
    /// <param name="nameStemOrPath">E.g. <c>crosslmm</c>, <c>CrossLmm</c> or <c>my-variant.yaml</c>.</param>
    /// <param name="preset">Preset name.</param>
    /// <param name="zooPath">For a spec file: a zoo.yaml to bind against (<c>--zoo</c>); null = <see cref="RegistryFor"/>'s search.</param>
    public static ArchitectureConfig ConfigOrFile(string nameStemOrPath, string preset, string? zooPath = null)
    {
        ArgumentNullException.ThrowIfNull(nameStemOrPath);
        return IsSpecFile(nameStemOrPath) ? Bind(nameStemOrPath, preset, zooPath) : Config(nameStemOrPath, preset);
    }

    /// <summary>Whether a command-line argument names a spec file (<c>.yaml</c>/<c>.yml</c>) rather than a catalogue architecture.</summary>
    /// <param name="nameStemOrPath">The argument.</param>
    public static bool IsSpecFile(string nameStemOrPath) =>
        nameStemOrPath.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || nameStemOrPath.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Validates a spec file exactly as the build does: parse, bind at every preset of the registry, and
    /// the same diagnostics (IDs, messages, YAML line and column) as the source generator reports.
    /// </summary>
    /// <param name="path">The architecture YAML; diagnostics name it as given.</param>
    /// <exception cref="ZooUserException">The file cannot be read.</exception>
    /// <param name="zooPath">A zoo.yaml to bind against (<c>--zoo</c>); null = <see cref="RegistryFor"/>'s search.</param>
    public static SpecSetResult Check(string path, string? zooPath = null) => SpecCompiler.BindAll(ReadSpec(path), path, RegistryFor(path, zooPath));

    /// <summary>
    /// The registry a user's spec file is bound against, read at run time (a preset added to zoo.yaml needs no rebuild):
    /// <paramref name="zooPath"/> when given (<c>--zoo FILE</c>); otherwise the nearest <c>zoo.yaml</c> in the spec's
    /// directory or above it (so <c>architectures/x.yaml</c> uses the repository's current zoo.yaml); otherwise the
    /// zoo.yaml compiled into the catalogue (<see cref="Registry"/>). A registry's own errors are reported with the spec's.
    /// </summary>
    /// <param name="specPath">The architecture file.</param>
    /// <param name="zooPath">An explicit zoo.yaml, or null.</param>
    /// <exception cref="ZooUserException">The explicit zoo.yaml cannot be read.</exception>
    public static ZooRegistry RegistryFor(string specPath, string? zooPath = null)
    {
        ArgumentNullException.ThrowIfNull(specPath);
        if (zooPath is not null)
        {
            if (!File.Exists(zooPath))
            {
                throw new ZooUserException(Directory.Exists(zooPath) ? $"--zoo '{zooPath}' is a directory; expected a zoo.yaml file" : $"--zoo: file not found: '{zooPath}'");
            }

            return Zoo.LoadRegistry(zooPath);
        }

        for (var dir = new FileInfo(specPath).Directory; dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "zoo.yaml");
            if (File.Exists(candidate))
            {
                return Zoo.LoadRegistry(candidate);
            }
        }

        return Registry;
    }

    /// <summary>Binds a user's spec file at one preset with the runtime builder's binder (<c>Zoo.TryBind</c>: no rebuild needed).</summary>
    /// <param name="path">The architecture YAML.</param>
    /// <param name="preset">Preset name.</param>
    /// <exception cref="SpecException">The spec has errors (all of them are attached).</exception>
    /// <exception cref="ZooUserException">The file cannot be read, or an unknown preset.</exception>
    /// <param name="zooPath">A zoo.yaml to bind against (<c>--zoo</c>); null = <see cref="RegistryFor"/>'s search.</param>
    public static ArchitectureConfig Bind(string path, string preset, string? zooPath = null)
    {
        ArgumentNullException.ThrowIfNull(preset);
        string text = ReadSpec(path);
        var registry = RegistryFor(path, zooPath);
        string name = registry.DeclaredPresets.FirstOrDefault(p => string.Equals(p, preset, StringComparison.OrdinalIgnoreCase))
            ?? throw new ZooUserException($"unknown preset '{preset}'{NameSuggestions.Hint(preset, registry.DeclaredPresets)} (presets of {registry.Path}: {string.Join(", ", registry.DeclaredPresets)})");
        var result = Zoo.TryBind(text, name, path, registry);
        return result.Success ? result.Config! : throw new SpecException(result.Diagnostics.Where(d => d.IsError));
    }

    /// <summary>
    /// <see cref="Zoo.Build(ArchitectureConfig)"/> for the command line: seeded when <paramref name="seed"/> is given, in
    /// eval mode, on <paramref name="device"/>.
    /// </summary>
    /// <param name="config">A bound architecture (small presets: the 2b/7b ones need tens of GB).</param>
    /// <param name="seed">torch.manual_seed before building, for a reproducible initialisation (weights are drawn on the CPU, then moved).</param>
    /// <param name="device">Where the model lives (default CPU).</param>
    public static VideoLmm Build(ArchitectureConfig config, long? seed = null, torch.Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (seed is long s)
        {
            torch.manual_seed(s);
        }

        var model = Zoo.Build(config);
        model.eval();
        if (device is not null && device.type != DeviceType.CPU)
        {
            model.to(device);
        }

        return model;
    }

    /// <summary>Parses and checks a device name (<c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>).</summary>
    /// <param name="name">The name.</param>
    /// <exception cref="ZooUserException">Unknown, or CUDA without a CUDA build of libtorch or without a GPU.</exception>
    public static torch.Device Device(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        torch.Device device;
        try
        {
            device = new torch.Device(name);
        }
        catch (ArgumentException e)
        {
            throw new ZooUserException($"unknown device '{name}' (expected cpu, cuda or cuda:N)", e);
        }

        if (device.type == DeviceType.CUDA && !torch.cuda.is_available())
        {
            throw new ZooUserException($"device '{name}': CUDA is not available (a CPU build of libtorch, or no GPU); see \"Running on a GPU\" in README.md");
        }

        if (device.type is not (DeviceType.CPU or DeviceType.CUDA))
        {
            throw new ZooUserException($"device '{name}' is not supported (expected cpu, cuda or cuda:N)");
        }

        return device;
    }

    private static string ReadSpec(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ZooUserException(Directory.Exists(path)
                ? $"'{path}' is a directory; expected an architecture YAML file"
                : $"file not found: '{path}'");
        }

        return File.ReadAllText(path);
    }
}
