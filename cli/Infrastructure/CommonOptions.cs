using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Linq;

namespace CrossLMM.Zoo.Cli.Infrastructure;

/// <summary>How a command prints its result.</summary>
internal enum OutputFormat
{
    /// <summary>A table on the terminal.</summary>
    Table,

    /// <summary>Indented JSON.</summary>
    Json,

    /// <summary>CSV with a header row.</summary>
    Csv,

    /// <summary>A markdown table.</summary>
    Markdown,
}

/// <summary>Option factories shared by the commands (same names, parsing and messages everywhere).</summary>
internal static class CommonOptions
{
    /// <summary><c>--preset/-p</c> with a default (checked against zoo.yaml by the command, with a "did you mean").</summary>
    /// <param name="defaultPreset">Default preset.</param>
    /// <param name="what">What the preset is for.</param>
    public static Option<string> Preset(string defaultPreset, string what) => new("--preset", "-p")
    {
        Description = $"Size preset from zoo.yaml ({string.Join(", ", Zoo.Presets)}) {what}",
        DefaultValueFactory = _ => defaultPreset,
        HelpName = "name",
    };

    /// <summary><c>--zoo</c>: the zoo.yaml that spec files are bound against (read at run time, no rebuild).</summary>
    public static Option<string?> ZooFile() => new("--zoo")
    {
        Description = "zoo.yaml to bind spec files against [default: the nearest zoo.yaml at or above the spec file, else the compiled-in one]",
        HelpName = "zoo.yaml",
    };

    /// <summary><c>--frames/-f</c>: one or more frame counts, comma-separated or repeated (absent: null; the command applies its defaults, shown in the help as typed).</summary>
    /// <param name="defaults">Default counts.</param>
    /// <param name="description">Help text.</param>
    public static Option<int[]> FrameList(int[] defaults, string description) => new("--frames", "-f")
    {
        Description = $"{description} [default: {string.Join(",", defaults)}]",
        CustomParser = ParseFrames,
        AllowMultipleArgumentsPerToken = true,
        HelpName = "T[,T...]",
    };

    /// <summary><c>--frames/-f</c>: a single frame count ≥ 1.</summary>
    /// <param name="defaultFrames">Default.</param>
    public static Option<int> Frames(int defaultFrames) => new("--frames", "-f")
    {
        Description = "Number of video frames T",
        DefaultValueFactory = _ => defaultFrames,
        CustomParser = r => Positive(r, "--frames", "frame count"),
        HelpName = "T",
    };

    /// <summary><c>--text</c>: text tokens of the question.</summary>
    /// <param name="defaultTokens">Default.</param>
    public static Option<int> Text(int defaultTokens) => new("--text")
    {
        Description = "Text tokens of the question (L_t)",
        DefaultValueFactory = _ => defaultTokens,
        CustomParser = r => Positive(r, "--text", "token count"),
        HelpName = "L",
    };

    /// <summary><c>--format</c>.</summary>
    /// <param name="allowed">The formats the command supports.</param>
    public static Option<OutputFormat?> Format(params OutputFormat[] allowed)
    {
        var names = allowed.Select(f => f.ToString().ToLowerInvariant()).ToArray();
        return new Option<OutputFormat?>("--format")
        {
            Description = $"Output format [default: {names[0]}]",
            HelpName = string.Join("|", names),
            CustomParser = r =>
            {
                string value = r.Tokens.Count > 0 ? r.Tokens[^1].Value : names[0];
                var match = allowed.FirstOrDefault(f => string.Equals(f.ToString(), value, StringComparison.OrdinalIgnoreCase), (OutputFormat)(-1));
                if ((int)match < 0)
                {
                    r.AddError($"--format '{value}' is not one of {string.Join(", ", names)}");
                    return null;
                }

                return match;
            },
        };
    }

    /// <summary>An option whose value is one of an enum's members, spelled in lower case (<c>--chart flops</c>); null when absent.</summary>
    /// <typeparam name="TEnum">The enum.</typeparam>
    /// <param name="name">Option name.</param>
    /// <param name="description">Help text (the choices are appended).</param>
    /// <param name="defaultValue">Default.</param>
    public static Option<TEnum?> Choice<TEnum>(string name, string description, TEnum defaultValue)
        where TEnum : struct, Enum
    {
        var names = Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()).ToArray();
        return new Option<TEnum?>(name)
        {
            Description = $"{description} [default: {defaultValue.ToString().ToLowerInvariant()}]",
            HelpName = string.Join("|", names),
            CustomParser = r =>
            {
                string value = r.Tokens.Count > 0 ? r.Tokens[^1].Value : string.Empty;
                if (Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !value.All(char.IsAsciiDigit))
                {
                    return parsed;
                }

                r.AddError($"{name} '{value}' is not one of {string.Join(", ", names)}");
                return null;
            },
        };
    }

    /// <summary><c>--svg</c>: where to write a chart.</summary>
    /// <param name="what">The chart.</param>
    public static Option<string?> Svg(string what) => new("--svg")
    {
        Description = $"Also write {what} as an SVG file",
        HelpName = "file.svg",
    };

    /// <summary><c>--device</c>: cpu (default), cuda or cuda:N (needs a CUDA build of the engine; see README).</summary>
    public static Option<string> Device() => new("--device")
    {
        Description = "Where to run: cpu, cuda or cuda:N (CUDA needs a CUDA libtorch or TorchSharp-cuda build; see README)",
        DefaultValueFactory = _ => "cpu",
        HelpName = "cpu|cuda[:N]",
    };

    /// <summary>
    /// <c>--threads</c>: libtorch's intra-op threads (MKL's GEMMs run on the same ones), applied with
    /// <see cref="Engine.EngineInfo.SetThreads"/> before any work. Default: every core, as PyTorch does.
    /// </summary>
    public static Option<int> Threads() => new("--threads")
    {
        Description = $"Intra-op threads of libtorch and its MKL GEMMs, 1-{MaxThreads}; every core by default, as in PyTorch",
        DefaultValueFactory = _ => Environment.ProcessorCount,
        CustomParser = ParseThreads,
        HelpName = "N",
    };

    /// <summary>
    /// <c>--dtype</c>: the floating-point type of the weights and the video, <c>float32</c> (default), <c>bfloat16</c> or
    /// <c>float16</c>. Whether the half types are faster depends on the CPU (bfloat16 GEMMs need AVX-512 BF16 or AMX;
    /// elsewhere libtorch emulates them, much slower than float32).
    /// </summary>
    public static Option<ScalarType> Dtype() => new("--dtype")
    {
        Description = "Floating-point type of the weights and the video: float32, bfloat16 or float16 (half types are fast only on CPUs with native support)",
        DefaultValueFactory = _ => ScalarType.Float32,
        CustomParser = ParseDtype,
        HelpName = "float32|bfloat16|float16",
    };

    /// <summary>Parses <c>--dtype</c>.</summary>
    /// <param name="result">The option's tokens.</param>
    public static ScalarType ParseDtype(ArgumentResult result)
    {
        string value = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        switch (value.ToLowerInvariant())
        {
            case "float32" or "fp32" or "float": return ScalarType.Float32;
            case "bfloat16" or "bf16": return ScalarType.BFloat16;
            case "float16" or "fp16" or "half": return ScalarType.Float16;
            default:
                result.AddError($"--dtype '{value}' is not one of float32, bfloat16, float16");
                return ScalarType.Float32;
        }
    }

    /// <summary>
    /// The largest <c>--threads</c> accepted: 4× the cores. More threads than that only oversubscribe the cores
    /// (each OpenMP thread spins for work), so a larger value is a typo rather than a setting.
    /// </summary>
    public static int MaxThreads => 4 * Environment.ProcessorCount;

    /// <summary>Parses <c>--threads</c>: an integer in [1, <see cref="MaxThreads"/>].</summary>
    /// <param name="result">The option's tokens.</param>
    public static int ParseThreads(ArgumentResult result)
    {
        string value = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int parsed) || parsed < 1 || parsed > MaxThreads)
        {
            result.AddError($"--threads '{value}' is not a thread count in [1, {MaxThreads}] (this machine has {Environment.ProcessorCount} cores; the default uses all of them)");
            return Environment.ProcessorCount;
        }

        return parsed;
    }

    /// <summary><c>--seed</c>.</summary>
    public static Option<long> Seed() => new("--seed")
    {
        Description = "Seed of the random weights and inputs",
        DefaultValueFactory = _ => 0L,
    };

    /// <summary>The frame counts given, or <paramref name="defaults"/> when the option is absent (System.CommandLine then yields an empty array).</summary>
    /// <param name="parse">The parse result.</param>
    /// <param name="option">A frame-list option.</param>
    /// <param name="defaults">The command's defaults.</param>
    public static IReadOnlyList<int> FramesOrDefault(this ParseResult parse, Option<int[]> option, IReadOnlyList<int> defaults) =>
        parse.GetValue(option) is { Length: > 0 } given ? given : defaults;

    /// <summary>Parses "32,64" / "32 64" / repeated options into distinct positive counts, in the order given.</summary>
    /// <param name="result">The option's tokens.</param>
    public static int[] ParseFrames(ArgumentResult result)
    {
        var frames = new List<int>();
        foreach (var token in result.Tokens)
        {
            foreach (var part in token.Value.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1)
                {
                    result.AddError($"--frames '{token.Value}': '{part}' is not a positive frame count (e.g. --frames 32,64,128,256)");
                    return Array.Empty<int>();
                }

                if (!frames.Contains(value))
                {
                    frames.Add(value);
                }
            }
        }

        if (frames.Count == 0)
        {
            result.AddError("--frames needs at least one frame count (e.g. --frames 32,64,128,256)");
        }

        return frames.ToArray();
    }

    private static int Positive(ArgumentResult result, string option, string what)
    {
        string value = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) || parsed < 1)
        {
            result.AddError($"{option} '{value}' is not a positive {what}");
            return 1;
        }

        return parsed;
    }
}
