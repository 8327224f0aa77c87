using System.CommandLine;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using CrossLMM.Zoo.Cli.Infrastructure;
using CrossLMM.Zoo.Tools.Catalog;
using CrossLMM.Zoo.Tools.Cost;
using CrossLMM.Zoo.Tools.Tables;

namespace CrossLMM.Zoo.Cli.Commands;

/// <summary><c>zoo list</c>: every architecture with its paper, summary and LLM tokens per frame.</summary>
internal static class ListCommand
{
    /// <summary>One architecture in <c>zoo list --format json</c>.</summary>
    internal sealed record Entry(string Stem, string Name, string Paper, string Summary, string Preset, string TokensFormula, string TokensAtPreset, int? TokensPerFrame, string SourceFile);

    public static Command Create(CliConsole console)
    {
        var preset = CommonOptions.Preset("7b", "at which the token counts are shown");
        var format = CommonOptions.Format(OutputFormat.Table, OutputFormat.Json, OutputFormat.Csv, OutputFormat.Markdown);
        var command = new Command("list", "List every architecture: name, stem, paper, summary and LLM tokens per frame (formula and value at a preset)")
        {
            preset, format,
        };
        command.SetAction(ZooCli.Guard(console, command, parse =>
        {
            string p = ZooCatalog.Preset(parse.GetValue(preset)!);
            var entries = ZooCatalog.Architectures.Select(a =>
            {
                var config = a.Config(p);
                return new Entry(a.Stem, a.Name, a.Paper, a.Summary, p, a.TokensFormula, config.TokensFormulaAtPreset, config.StreamTokensPerFrame, a.SourceFile);
            }).ToArray();
            var table = new ReportTable($"{entries.Length} architectures (token counts at the {p} preset)", new[]
            {
                new ReportColumn("stem", ColumnAlignment.Left), new ReportColumn("name", ColumnAlignment.Left), new ReportColumn("paper", ColumnAlignment.Left),
                new ReportColumn("tok/frame"), new ReportColumn($"LLM tokens ({p})"), new ReportColumn("formula", ColumnAlignment.Left),
                new ReportColumn("summary", ColumnAlignment.Left),
            });
            foreach (var e in entries)
            {
                table.Add(e.Stem, e.Name, e.Paper, e.TokensPerFrame?.ToString(CultureInfo.InvariantCulture) ?? "-", e.TokensAtPreset, e.TokensFormula, e.Summary);
            }

            table.Notes.Add("tok/frame: visual tokens per frame in the LLM stream (- for compressors with a fixed count per video); T = frames, g = patch grid side.");
            switch (parse.GetValue(format) ?? OutputFormat.Table)
            {
                case OutputFormat.Json:
                    console.Out.Write(JsonSerializer.Serialize(entries, CostOutputs.Json) + "\n");
                    break;
                case OutputFormat.Csv:
                    console.Out.Write(TableWriters.Csv(table));
                    break;
                case OutputFormat.Markdown:
                    console.Out.Write(TableWriters.Markdown(table));
                    break;
                default:
                    Render.Table(console.Ui, table);
                    break;
            }

            return 0;
        }));
        return command;
    }
}
