using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Configs;

// Types of CrossLMM.Zoo.Spec and CrossLMM.Zoo.Modules are written global::-qualified: inside namespace
// CrossLMM.Zoo a generated architecture class of the same simple name (say 'VideoLmm') would win over a using.
namespace CrossLMM.Zoo;

/// <summary>
/// The runtime builder: the same spec core as the source generator (parse → bind at a preset → validate, with
/// the same CLMZ diagnostics) followed by <see cref="global::CrossLMM.Zoo.Modules.VideoLmmBuilder"/>, without
/// compiling anything — for notebooks and for <c>zoo</c> with a user's YAML. A spec that builds here builds
/// as a generated typed module too, and the two are equal: same parameter names, shapes and, under the same
/// seed, values and outputs.
/// </summary>
/// <remarks>
/// <para>The registry (size presets) is zoo.yaml as compiled into this assembly (<see cref="Registry"/>), or a
/// user's zoo.yaml loaded with <see cref="LoadRegistry"/>. Errors of that registry are reported with the
/// spec's, as the build reports both.</para>
/// <para>Failures come back as <see cref="global::CrossLMM.Zoo.Spec.SpecDiagnostic"/>s (ID, message, file,
/// line and column): thrown in a <see cref="global::CrossLMM.Zoo.Spec.SpecException"/> by <c>Bind</c> and
/// <c>Build</c>, returned by <c>TryBind</c> and <c>TryBuild</c>.</para>
/// </remarks>
public static partial class Zoo
{
    /// <summary>The path diagnostics name (and the stem the configuration gets) when YAML text comes without one.</summary>
    public const string InlinePath = "inline.yaml";

    private static readonly Lazy<global::CrossLMM.Zoo.Spec.ZooRegistry> BuiltInRegistry =
        new(() => global::CrossLMM.Zoo.Spec.ZooRegistry.Parse(RegistryYaml, RegistryFile));

    /// <summary>The built-in registry: zoo.yaml as compiled into this assembly (<see cref="RegistryYaml"/>).</summary>
    public static global::CrossLMM.Zoo.Spec.ZooRegistry Registry => BuiltInRegistry.Value;

    /// <summary>Parses a user's zoo.yaml (never throws for bad YAML: its problems are in <c>Diagnostics</c>).</summary>
    /// <param name="path">The registry file.</param>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static global::CrossLMM.Zoo.Spec.ZooRegistry LoadRegistry(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return global::CrossLMM.Zoo.Spec.ZooRegistry.Parse(File.ReadAllText(path), path);
    }

    /// <summary>Binds an architecture spec at a preset: its configuration, or every diagnostic.</summary>
    /// <param name="yamlText">The architecture YAML.</param>
    /// <param name="preset">A preset of the registry; null = its <c>defaults.preset</c>.</param>
    /// <param name="path">Where the text came from: named by diagnostics, and the source of the config's
    /// <c>Stem</c> and <c>SourceFile</c> (relative to the registry's directory); null = <see cref="InlinePath"/>.</param>
    /// <param name="registry">The registry; null = <see cref="Registry"/>.</param>
    /// <returns>The configuration (null on errors) and the diagnostics, warnings included.</returns>
    public static global::CrossLMM.Zoo.Spec.SpecResult TryBind(
        string yamlText, string? preset = null, string? path = null, global::CrossLMM.Zoo.Spec.ZooRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        registry ??= Registry;
        var result = global::CrossLMM.Zoo.Spec.SpecCompiler.Bind(yamlText, path ?? InlinePath, registry, preset);
        var registryErrors = registry.Diagnostics.Where(d => d.IsError).ToArray();
        if (registryErrors.Length == 0)
        {
            return result;
        }

        // A broken registry fails the build too; SpecCompiler already returns its errors for an invalid preset.
        var diagnostics = registryErrors.Concat(result.Diagnostics).Distinct().ToEquatableArray();
        return new global::CrossLMM.Zoo.Spec.SpecResult(null, diagnostics);
    }

    /// <summary>The configuration of an architecture spec at a preset, without allocating a model (e.g. for the cost model).</summary>
    /// <param name="yamlText">The architecture YAML.</param>
    /// <param name="preset">A preset of the registry; null = its <c>defaults.preset</c>.</param>
    /// <param name="path">Where the text came from (see <see cref="TryBind"/>); null = <see cref="InlinePath"/>.</param>
    /// <param name="registry">The registry; null = <see cref="Registry"/>.</param>
    /// <exception cref="global::CrossLMM.Zoo.Spec.SpecException">The spec (or the registry) has errors; all are attached.</exception>
    public static ArchitectureConfig Bind(
        string yamlText, string? preset = null, string? path = null, global::CrossLMM.Zoo.Spec.ZooRegistry? registry = null) =>
        TryBind(yamlText, preset, path, registry).GetConfigOrThrow();

    /// <summary>The configuration of an architecture file at a preset (see <see cref="Bind"/>).</summary>
    /// <param name="path">The architecture YAML file; diagnostics name it as given.</param>
    /// <param name="preset">A preset of the registry; null = its <c>defaults.preset</c>.</param>
    /// <param name="registry">The registry; null = <see cref="Registry"/>.</param>
    /// <exception cref="global::CrossLMM.Zoo.Spec.SpecException">The spec has errors.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ArchitectureConfig BindFile(string path, string? preset = null, global::CrossLMM.Zoo.Spec.ZooRegistry? registry = null) =>
        Bind(ReadSpec(path), preset, path, registry);

    /// <summary>
    /// A freshly initialised model of a bound configuration (random weights; seed with <c>torch.manual_seed</c>): the
    /// generated typed class (<c>CrossLmm</c>, …) when <paramref name="config"/> is a catalogue architecture's at its
    /// preset, otherwise the runtime builder (<see cref="global::CrossLMM.Zoo.Modules.VideoLmmBuilder"/>). Both call the
    /// same block constructors in the same order, so the same seed gives the same parameters (the architectures tests).
    /// </summary>
    /// <param name="config">A bound architecture.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    /// <exception cref="ArgumentException">The configuration breaks a rule of the blocks.</exception>
    public static global::CrossLMM.Zoo.Modules.VideoLmm Build(ArchitectureConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var info = Find(config.Name);
        return info is not null && info.Stem == config.Stem && info.Presets.Contains(config.Preset) && info.Config(config.Preset) == config
            ? info.Create(config.Preset)
            : global::CrossLMM.Zoo.Modules.VideoLmmBuilder.Build(config);
    }

    /// <summary>
    /// A freshly initialised model of an architecture spec at a preset, composed by the runtime builder
    /// <see cref="global::CrossLMM.Zoo.Modules.VideoLmmBuilder"/> (random weights; seed with <c>torch.manual_seed</c>): any
    /// YAML, no rebuild.
    /// </summary>
    /// <param name="yamlText">The architecture YAML.</param>
    /// <param name="preset">A preset of the registry; null = its <c>defaults.preset</c>.</param>
    /// <param name="path">Where the text came from (see <see cref="TryBind"/>); null = <see cref="InlinePath"/>.</param>
    /// <param name="registry">The registry; null = <see cref="Registry"/>.</param>
    /// <exception cref="global::CrossLMM.Zoo.Spec.SpecException">The spec (or the registry) has errors; all are attached.</exception>
    public static global::CrossLMM.Zoo.Modules.VideoLmm Build(
        string yamlText, string? preset = null, string? path = null, global::CrossLMM.Zoo.Spec.ZooRegistry? registry = null) =>
        global::CrossLMM.Zoo.Modules.VideoLmmBuilder.Build(Bind(yamlText, preset, path, registry));

    /// <summary>A freshly initialised model of an architecture file at a preset (see <see cref="Build(ArchitectureConfig)"/>).</summary>
    /// <param name="path">The architecture YAML file; diagnostics name it as given.</param>
    /// <param name="preset">A preset of the registry; null = its <c>defaults.preset</c>.</param>
    /// <param name="registry">The registry; null = <see cref="Registry"/>.</param>
    /// <exception cref="global::CrossLMM.Zoo.Spec.SpecException">The spec has errors.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static global::CrossLMM.Zoo.Modules.VideoLmm BuildFile(string path, string? preset = null, global::CrossLMM.Zoo.Spec.ZooRegistry? registry = null) =>
        Build(ReadSpec(path), preset, path, registry);

    /// <summary>Builds a model, or returns why not (see <see cref="Build(ArchitectureConfig)"/>).</summary>
    /// <param name="yamlText">The architecture YAML.</param>
    /// <param name="model">The model when the spec binds; null otherwise.</param>
    /// <param name="diagnostics">Every diagnostic, warnings included (errors when <paramref name="model"/> is null).</param>
    /// <param name="preset">A preset of the registry; null = its <c>defaults.preset</c>.</param>
    /// <param name="path">Where the text came from (see <see cref="TryBind"/>); null = <see cref="InlinePath"/>.</param>
    /// <param name="registry">The registry; null = <see cref="Registry"/>.</param>
    /// <returns>Whether the model was built.</returns>
    public static bool TryBuild(
        string yamlText,
        [NotNullWhen(true)] out global::CrossLMM.Zoo.Modules.VideoLmm? model,
        out IReadOnlyList<global::CrossLMM.Zoo.Spec.SpecDiagnostic> diagnostics,
        string? preset = null,
        string? path = null,
        global::CrossLMM.Zoo.Spec.ZooRegistry? registry = null)
    {
        var result = TryBind(yamlText, preset, path, registry);
        diagnostics = result.Diagnostics;
        model = result.Success ? global::CrossLMM.Zoo.Modules.VideoLmmBuilder.Build(result.Config!) : null;
        return model is not null;
    }

    private static string ReadSpec(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return File.ReadAllText(path);
    }
}
