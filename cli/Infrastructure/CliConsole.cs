using System;
using System.IO;
using Spectre.Console;

namespace CrossLMM.Zoo.Cli.Infrastructure;

/// <summary>
/// Where a command writes: <see cref="Ui"/> (Spectre: tables, trees, progress) and <see cref="Out"/> (raw
/// text: JSON, CSV, markdown) share standard output; <see cref="Error"/> is standard error (one-line errors,
/// progress lines when not interactive).
/// </summary>
internal sealed class CliConsole
{
    private CliConsole(IAnsiConsole ui, TextWriter output, TextWriter error, bool interactive)
    {
        Ui = ui;
        Out = output;
        Error = error;
        Interactive = interactive;
    }

    /// <summary>Rich output.</summary>
    public IAnsiConsole Ui { get; }

    /// <summary>Raw standard output.</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>A terminal that can redraw (live progress).</summary>
    public bool Interactive { get; }

    /// <summary>The process's console: colours and live progress on a terminal; plain and wide (240 columns) when redirected.</summary>
    public static CliConsole ForTerminal()
    {
        if (Console.IsOutputRedirected)
        {
            return ForWriters(Console.Out, Console.Error, 240);
        }

        var ui = AnsiConsole.Console;
        return new CliConsole(ui, Console.Out, Console.Error, ui.Profile.Capabilities.Interactive);
    }

    /// <summary>Plain writers (tests, embedding): no ANSI codes, no live display, a fixed width.</summary>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="width">Console width for tables.</param>
    public static CliConsole ForWriters(TextWriter output, TextWriter error, int width)
    {
        var ui = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        ui.Profile.Width = width;
        return new CliConsole(ui, output, error, false);
    }
}
