using System;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using CrossLMM.Zoo.Cli.Infrastructure;
using CrossLMM.Zoo.Tools;
using CrossLMM.Zoo.Tools.Tables;
using CrossLMM.Zoo.Tools.Text;

namespace CrossLMM.Zoo.Cli.Commands;

/// <summary>
/// <c>zoo tokenize</c>: a checkpoint's tokenizer (Qwen2 byte-level BPE from <c>tokenizer.json</c>) on a text; prints the ids
/// (one line, space-separated), a table of the tokens, or JSON.
/// </summary>
internal static class TokenizeCommand
{
    /// <summary>The JSON shape of <c>zoo tokenize --format json</c>.</summary>
    /// <param name="Tokenizer">The tokenizer file.</param>
    /// <param name="Text">The input text.</param>
    /// <param name="Ids">Token ids.</param>
    /// <param name="Tokens">Readable tokens, one per id.</param>
    internal sealed record TokenizeJson(string Tokenizer, string Text, int[] Ids, string[] Tokens);

    public static Command Create(CliConsole console)
    {
        var text = new Argument<string>("text") { Description = "The text to encode" };
        var tokenizer = new Option<string>("--tokenizer")
        {
            Description = "A tokenizer.json, or a Hugging Face checkpoint folder holding tokenizer.json (or vocab.json + merges.txt)",
            HelpName = "FILE|DIR",
            Required = true,
        };
        var literal = new Option<bool>("--literal") { Description = "Encode special-token spellings such as <|im_end|> as plain text (default: they become their ids, as in Hugging Face)" };
        var format = CommonOptions.Format(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("tokenize", "Encode a text with a checkpoint's tokenizer and print the ids")
        {
            text, tokenizer, literal, format,
        };
        command.SetAction(ZooCli.Guard(console, command, parse =>
        {
            string path = parse.GetValue(tokenizer)!;
            string input = parse.GetValue(text) ?? string.Empty;
            var bpe = Qwen2Tokenizer.Load(path);
            var ids = bpe.Encode(input, addBos: false, parseSpecialTokens: !parse.GetValue(literal));
            var tokens = ids.Select(bpe.Display).ToArray();
            if ((parse.GetValue(format) ?? OutputFormat.Table) == OutputFormat.Json)
            {
                console.Out.Write(JsonSerializer.Serialize(new TokenizeJson(path, input, ids, tokens), JsonOutput.Options) + "\n");
                return 0;
            }

            console.Out.Write(string.Join(" ", ids.Select(i => i.ToString(CultureInfo.InvariantCulture))) + "\n");
            var table = new ReportTable($"{ids.Length} tokens ({bpe.Name}, {bpe.VocabSize} ids)", new[]
            {
                new ReportColumn("#"), new ReportColumn("id"), new ReportColumn("token", ColumnAlignment.Left),
            });
            for (int i = 0; i < ids.Length; i++)
            {
                table.Add(i.ToString(CultureInfo.InvariantCulture), ids[i].ToString(CultureInfo.InvariantCulture), tokens[i]);
            }

            Render.Table(console.Ui, table);
            return 0;
        }));
        return command;
    }
}
