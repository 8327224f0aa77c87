using System.CommandLine;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Cli.Infrastructure;
using CrossLMM.Zoo.Spec;
using CrossLMM.Zoo.Tools.Catalog;

namespace CrossLMM.Zoo.Cli.Commands;

/// <summary>
/// <c>zoo check</c>: validates spec files with the same spec core and diagnostics as the build (bound at every
/// preset of the zoo.yaml that <see cref="ZooCatalog.RegistryFor"/> picks), printed to standard error in MSBuild's
/// form <c>file(line,col): error CLMZxxxx: message</c>, at most <c>--max-diagnostics</c> per file followed by how many
/// were left out; exit 1 on errors. The "ok" line of a valid file goes to standard output.
/// </summary>
internal static class CheckCommand
{
    /// <summary>Diagnostics printed per file by default (a generated or corrupted file can hold hundreds of thousands).</summary>
    public const int DefaultMaxDiagnostics = 100;

    public static Command Create(CliConsole console)
    {
        var files = new Argument<string[]>("files") { Description = "Architecture YAML files", Arity = ArgumentArity.OneOrMore };
        var max = new Option<int>("--max-diagnostics")
        {
            Description = $"Diagnostics printed per file; the rest are counted (0 = print all) [default: {DefaultMaxDiagnostics}]",
            DefaultValueFactory = _ => DefaultMaxDiagnostics,
            CustomParser = r => int.TryParse(r.Tokens.Single().Value, out int n) && n >= 0 ? n : Fail(r),
            HelpName = "N",
        };
        var zoo = CommonOptions.ZooFile();
        var command = new Command("check", "Validate spec files with the build's diagnostics (file(line,col): error CLMZxxxx: message, on stderr); exit 1 on errors")
        {
            files, max, zoo,
        };
        command.SetAction(ZooCli.Guard(console, command, parse =>
        {
            int errors = 0;
            int limit = parse.GetValue(max);
            foreach (var file in parse.GetValue(files)!)
            {
                var result = ZooCatalog.Check(file, parse.GetValue(zoo));
                errors += Report(console, file, result, limit);
            }

            return errors > 0 ? 1 : 0;
        }));
        return command;
    }

    // Prints one file's result; returns its error count.
    private static int Report(CliConsole console, string file, SpecSetResult result, int limit)
    {
        var diagnostics = result.Diagnostics;
        int e = diagnostics.Count(d => d.IsError), w = diagnostics.Count - e;
        int shown = limit == 0 ? diagnostics.Count : System.Math.Min(limit, diagnostics.Count);

        // One buffered write: a line-by-line write to an unbuffered stderr costs a system call per diagnostic.
        var text = new StringWriter { NewLine = console.Error.NewLine };
        for (int i = 0; i < shown; i++)
        {
            text.WriteLine(diagnostics[i].ToString());
        }

        if (shown < diagnostics.Count)
        {
            text.WriteLine($"{file}: ... and {diagnostics.Count - shown} more diagnostic(s) not shown ({diagnostics.Count} in all; --max-diagnostics 0 prints every one)");
        }

        if (e > 0)
        {
            var ids = diagnostics.Where(d => d.IsError).Select(d => d.Id).Distinct();
            text.WriteLine($"{file}: {e} error(s), {w} warning(s); see {string.Join(", ", ids.Select(id => $"docs/diagnostics/{id}.md"))}");
            console.Error.Write(text.ToString());
            return e;
        }

        console.Error.Write(text.ToString());
        var first = result.Configs[0];
        var clash = ZooCatalog.Architectures.FirstOrDefault(a => a.Name == result.Name && !Path.GetFullPath(file).EndsWith(a.SourceFile, System.StringComparison.Ordinal));
        console.Out.WriteLine($"{file}: ok - {result.Name} binds at {string.Join(", ", result.Configs.Select(c => c.Preset))}; " +
                              $"LLM visual tokens {first.TokensFormula} = {string.Join(", ", result.Configs.Select(c => $"{c.TokensFormulaAtPreset} ({c.Preset})"))}" +
                              (w > 0 ? $"; {w} warning(s)" : string.Empty));
        if (clash is not null)
        {
            console.Out.WriteLine($"{file}: note: the name {result.Name} is already used by {clash.SourceFile}; rename it before adding the file to architectures/");
        }

        return 0;
    }

    private static int Fail(System.CommandLine.Parsing.ArgumentResult r)
    {
        r.AddError($"--max-diagnostics: expected a whole number ≥ 0, got '{r.Tokens.Single().Value}'");
        return 0;
    }
}
