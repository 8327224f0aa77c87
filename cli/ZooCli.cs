using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using CrossLMM.Zoo.Cli.Commands;
using CrossLMM.Zoo.Cli.Infrastructure;
using CrossLMM.Zoo.Spec;
using CrossLMM.Zoo.Tools;
using CrossLMM.Zoo.Tools.Catalog;

namespace CrossLMM.Zoo.Cli;

/// <summary>
/// The root of the <c>zoo</c> command. Exit codes: 0 success, 1 the command failed (a user error, spec errors,
/// a failed run), 2 bad arguments. Every error is one line on standard error; set <c>ZOO_DEBUG=1</c> to also
/// get the exception's stack trace.
/// </summary>
public static class ZooCli
{
    /// <summary>Runs with the process's console.</summary>
    /// <param name="args">Command-line arguments.</param>
    public static int Run(string[] args) => Run(args, CliConsole.ForTerminal());

    /// <summary>Runs in-process with plain writers (tests, notebooks).</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="width">Table width.</param>
    public static int Run(string[] args, TextWriter output, TextWriter error, int width = 200) =>
        Run(args, CliConsole.ForWriters(output, error, width));

    internal static int Run(string[] args, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        var examples = new Dictionary<Command, string[]>();
        var root = Build(console, examples);
        if (args.Length == 0)
        {
            args = new[] { "--help" };
        }

        var parse = root.Parse(args);
        var config = new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false };
        if (parse.Action is not HelpAction && parse.Action is not ExamplesHelpAction && parse.Errors.Count > 0)
        {
            var current = parse.CommandResult.Command;
            string command = CommandPath(current);
            string message = parse.UnmatchedTokens.Count > 0
                ? $"unknown {(current is RootCommand ? "command" : "argument")} '{parse.UnmatchedTokens[0]}'" +
                  NameSuggestions.Hint(parse.UnmatchedTokens[0], current.Subcommands.Select(c => c.Name).Concat(current.Options.Select(o => o.Name)))
                : OneLine(parse.Errors[0].Message);
            console.Error.WriteLine($"{command}: error: {message} (see '{command} --help')");
            return 2;
        }

        return parse.Invoke(config);
    }

    /// <summary>Wraps a command body: user errors and failures become one line on stderr and exit code 1.</summary>
    /// <param name="console">The console.</param>
    /// <param name="command">The command (for the message prefix).</param>
    /// <param name="body">The body.</param>
    internal static Func<ParseResult, int> Guard(CliConsole console, Command command, Func<ParseResult, int> body) => parse =>
    {
        string prefix = CommandPath(command);
        try
        {
            return body(parse);
        }
        catch (SpecException e)
        {
            string more = e.Diagnostics.Count > 1 ? $" (+{e.Diagnostics.Count - 1} more; run 'zoo check {e.Path}')" : string.Empty;
            console.Error.WriteLine(OneLine(e.Diagnostics.Count == 0 ? e.Message : e.Diagnostics[0].ToString()) + more);
            return 1;
        }
        catch (ZooUserException e)
        {
            console.Error.WriteLine($"{prefix}: error: {OneLine(e.Message)}");
            Debug(console, e);
            return 1;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException
                                       or NotSupportedException or FormatException or OverflowException or System.Runtime.InteropServices.ExternalException)
        {
            console.Error.WriteLine($"{prefix}: error: {OneLine(FirstLine(e.Message))} ({e.GetType().Name}; ZOO_DEBUG=1 shows the stack trace)");
            Debug(console, e);
            return 1;
        }
    };

    /// <summary>Collapses a message to one line.</summary>
    /// <param name="message">Any message.</param>
    internal static string OneLine(string message) => Regex.Replace(message ?? string.Empty, @"\s*[\r\n]+\s*", " ").Trim();

    private static RootCommand Build(CliConsole console, Dictionary<Command, string[]> examples)
    {
        var root = new RootCommand(
            "zoo - the CrossLMM.Zoo model zoo: efficient long-video multimodal architectures (CrossLMM, arXiv:2505.17020, and the designs it is " +
            "compared with), defined in YAML, compiled to typed modules, costed analytically and measured.");
        void Add(Command command, params string[] lines)
        {
            root.Subcommands.Add(command);
            examples[command] = lines;
        }

        Add(ListCommand.Create(console), "zoo list", "zoo list --preset small", "zoo list --format json");
        Add(ShowCommand.Create(console), "zoo show crosslmm", "zoo show crosslmm --preset small --frames 16", "zoo show slowfast --preset 7b --frames 256",
            "zoo show my-variant.yaml --preset tiny", "zoo show --checkpoint Qwen2.5-0.5B-Instruct");
        Add(CheckCommand.Create(console), "zoo check my-variant.yaml", "zoo check architectures/*.yaml");
        Add(CostCommand.Create(console), "zoo cost crosslmm llava-ov --preset 7b --frames 32,64,128,256", "zoo cost --format json > cost.json",
            "zoo cost all --frames 256 --format csv", "zoo cost crosslmm full-tokens --svg flops.svg --chart flops --scale log",
            "zoo cost crosslmm llava-ov --convention paper");
        Add(BenchCommand.Create(console), "zoo bench crosslmm llava-ov --preset small --frames 8,16,32", "zoo bench all --frames 8 --runs 3 --svg latency.svg",
            "zoo bench crosslmm --format json");
        Add(RunCommand.Create(console), "zoo run crosslmm --frames 8 --prompt \"What happens?\"", "zoo run crosslmm --video clip.mp4 --frames 16 --preset small --prompt \"Describe it\"",
            "zoo run crosslmm --weights crosslmm-tiny.safetensors --top 10", "zoo run --yaml my-variant.yaml --frames 4 --prompt hi",
            "zoo run --checkpoint Qwen2.5-0.5B-Instruct --prompt \"What is the capital of France?\"");
        Add(GenerateCommand.Create(console), "zoo generate --checkpoint Qwen2.5-0.5B-Instruct --prompt \"Name three colours.\"",
            "zoo generate --checkpoint Qwen2.5-0.5B-Instruct --prompt \"Once upon a time\" --raw --temperature 0.7 --top-p 0.9 --seed 1",
            "zoo generate --checkpoint Qwen2.5-0.5B-Instruct --prompt hi --max-new-tokens 16 --format json");
        Add(TokenizeCommand.Create(console), "zoo tokenize --tokenizer Qwen2.5-0.5B-Instruct/tokenizer.json \"你好, world\"",
            "zoo tokenize --tokenizer Qwen2.5-0.5B-Instruct --format json \"<|im_start|>user\"");
        Add(CompareCommand.Create(console), "zoo compare", "zoo compare --no-bench", "zoo compare --runs 5 --bench-frames 8,16,32 --out out/");
        Add(TrainCommand.Create(console), "zoo train recipes/marker-tiny.yaml", "zoo train recipes/marker-tiny.yaml --output-dir runs/a --max-steps 100",
            "zoo train recipes/marker-tiny.yaml --output-dir runs/a --resume runs/a");
        Add(EvalCommand.Create(console), "zoo eval recipes/marker-tiny.yaml --checkpoint runs/a", "zoo eval recipes/marker-tiny.yaml --checkpoint runs/a/checkpoints/step-00000100 --split validation");
        Add(TrainSweepCommand.Create(console), "zoo train-sweep recipes/marker-tradeoff.yaml --architectures recipes/architectures/pool-only-1tok.yaml,crosslmm-1tok,full-tokens");
        Add(EnvCommand.Create(console), "zoo env", "zoo env --json", "zoo env --quiet");
        root.Subcommands.Add(VersionlessHelp(root));

        foreach (var help in root.Options.OfType<HelpOption>())
        {
            if (help.Action is HelpAction inner)
            {
                help.Action = new ExamplesHelpAction(inner, examples);
            }
        }

        return root;
    }

    // `zoo help <command>` as a synonym of `zoo <command> --help`.
    private static Command VersionlessHelp(RootCommand root)
    {
        var topic = new Argument<string?>("command") { Description = "A command", Arity = ArgumentArity.ZeroOrOne };
        var help = new Command("help", "Show help for a command (same as zoo <command> --help)") { topic };
        help.SetAction(parse =>
        {
            string? name = parse.GetValue(topic);
            var args = name is null ? new[] { "--help" } : new[] { name, "--help" };
            return root.Parse(args).Invoke(parse.InvocationConfiguration);
        });
        return help;
    }

    private static void Debug(CliConsole console, Exception e)
    {
        if (Environment.GetEnvironmentVariable("ZOO_DEBUG") is "1" or "true")
        {
            console.Error.WriteLine(e.ToString());
        }
    }

    private static string FirstLine(string message)
    {
        int cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return cut >= 0 ? message[..cut] : message;
    }

    private static string CommandPath(Command command) =>
        command is RootCommand ? "zoo" : $"zoo {command.Name}";

    /// <summary>The default help followed by the command's examples.</summary>
    private sealed class ExamplesHelpAction : SynchronousCommandLineAction
    {
        private readonly HelpAction _inner;
        private readonly IReadOnlyDictionary<Command, string[]> _examples;

        public ExamplesHelpAction(HelpAction inner, IReadOnlyDictionary<Command, string[]> examples)
        {
            _inner = inner;
            _examples = examples;
        }

        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            int code = _inner.Invoke(parseResult);
            var output = parseResult.InvocationConfiguration.Output;
            var command = parseResult.CommandResult.Command;
            if (_examples.TryGetValue(command, out var lines))
            {
                output.WriteLine("Examples:");
                foreach (var line in lines)
                {
                    output.WriteLine("  " + line);
                }

                output.WriteLine();
            }
            else if (command is RootCommand)
            {
                output.WriteLine("Examples:");
                output.WriteLine("  zoo compare                          every architecture: cost at 7b for 32-256 frames + measured latency; writes out/");
                output.WriteLine("  zoo list                             the architectures and their LLM tokens per frame");
                output.WriteLine("  zoo <command> --help                 options and examples of a command");
                output.WriteLine();
            }

            return code;
        }
    }
}
