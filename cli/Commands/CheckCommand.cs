using System.CommandLine;
using System.Linq;
using CrossLMM.Zoo.Cli.Infrastructure;
using CrossLMM.Zoo.Tools.Catalog;

namespace CrossLMM.Zoo.Cli.Commands;

/// <summary>
/// <c>zoo check</c>: validates spec files with the same spec core and diagnostics as the build (bound at every
/// preset of zoo.yaml), printed in MSBuild's form <c>file(line,col): error CLMZxxxx: message</c>; exit 1 on errors.
/// </summary>
internal static class CheckCommand
{
    public static Command Create(CliConsole console)
    {
        var files = new Argument<string[]>("files") { Description = "Architecture YAML files", Arity = ArgumentArity.OneOrMore };
        var command = new Command("check", "Validate spec files with the build's diagnostics (file(line,col): error CLMZxxxx: message); exit 1 on errors")
        {
            files,
        };
        command.SetAction(ZooCli.Guard(console, command, parse =>
        {
            int errors = 0, warnings = 0;
            foreach (var file in parse.GetValue(files)!)
            {
                var result = ZooCatalog.Check(file);
                foreach (var diagnostic in result.Diagnostics)
                {
                    console.Out.WriteLine(diagnostic.ToString());
                }

                int e = result.Diagnostics.Count(d => d.IsError), w = result.Diagnostics.Count - e;
                errors += e;
                warnings += w;
                if (e > 0)
                {
                    var ids = result.Diagnostics.Where(d => d.IsError).Select(d => d.Id).Distinct();
                    console.Out.WriteLine($"{file}: {e} error(s), {w} warning(s); see {string.Join(", ", ids.Select(id => $"docs/diagnostics/{id}.md"))}");
                }
                else
                {
                    var first = result.Configs[0];
                    var clash = ZooCatalog.Architectures.FirstOrDefault(a => a.Name == result.Name && !System.IO.Path.GetFullPath(file).EndsWith(a.SourceFile, System.StringComparison.Ordinal));
                    console.Out.WriteLine($"{file}: ok - {result.Name} binds at {string.Join(", ", result.Configs.Select(c => c.Preset))}; " +
                                          $"LLM visual tokens {first.TokensFormula} = {string.Join(", ", result.Configs.Select(c => $"{c.TokensFormulaAtPreset} ({c.Preset})"))}" +
                                          (w > 0 ? $"; {w} warning(s)" : string.Empty));
                    if (clash is not null)
                    {
                        console.Out.WriteLine($"{file}: note: the name {result.Name} is already used by {clash.SourceFile}; rename it before adding the file to architectures/");
                    }
                }
            }

            return errors > 0 ? 1 : 0;
        }));
        return command;
    }
}
