using System;
using System.Globalization;
using System.IO;
using System.Threading;

namespace CrossLMM.Zoo.Notebooks;

/// <summary>Where <see cref="NotebookKernel.display"/> sends a value.</summary>
public interface IDisplaySink
{
    /// <summary>Shows <paramref name="value"/>.</summary>
    /// <param name="value">The value (may be null).</param>
    /// <param name="mimeTypes">Requested MIME types (e.g. <c>image/svg+xml</c>); empty = plain text.</param>
    void Display(object? value, string[] mimeTypes);
}

/// <summary>
/// The notebook kernel's <c>display</c> for code that runs outside a Polyglot front end: the zoo's notebook
/// runner routes it into the cell's outputs, and a file-based app (<c>dotnet run notebooks/01-tour.cs</c>)
/// prints text and writes SVG/HTML to files. Notebook cells call <c>display(x)</c> or
/// <c>display(svg, "image/svg+xml")</c> — the same calls Polyglot's <c>Kernel.display</c> accepts — so a
/// notebook runs unchanged in VS Code and here.
/// </summary>
public static class NotebookKernel
{
    private static readonly AsyncLocal<IDisplaySink?> CurrentSink = new();
    private static IDisplaySink _fallback = new ConsoleDisplaySink("notebook");

    /// <summary>The sink of the current execution flow (the runner sets it per cell), else the console sink.</summary>
    public static IDisplaySink Sink => CurrentSink.Value ?? _fallback;

    /// <summary>Shows a value: text by default, or as the first of <paramref name="mimeTypes"/> (<c>image/svg+xml</c>, <c>text/html</c>, <c>text/markdown</c>).</summary>
    /// <param name="value">What to show.</param>
    /// <param name="mimeTypes">MIME types to show it as; empty = plain text.</param>
#pragma warning disable IDE1006, CA1707 // named like Polyglot's Kernel.display so notebook code is the same in both
    public static void display(object? value, params string[] mimeTypes) => Sink.Display(value, mimeTypes ?? Array.Empty<string>());
#pragma warning restore IDE1006, CA1707

    /// <summary>
    /// Starts a console session for a file-based app: text goes to standard output, SVG and HTML to
    /// <c>out/notebooks/&lt;name&gt;/display-&lt;n&gt;.&lt;ext&gt;</c> under the current directory.
    /// </summary>
    /// <param name="name">The notebook's name (the files' folder).</param>
    public static void StartConsole(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        _fallback = new ConsoleDisplaySink(name);
    }

    /// <summary>Routes <see cref="display"/> of the current execution flow (and the flows it starts) to <paramref name="sink"/>.</summary>
    /// <param name="sink">The sink; null = back to the console.</param>
    /// <returns>The previous sink of this flow.</returns>
    public static IDisplaySink? Use(IDisplaySink? sink)
    {
        var previous = CurrentSink.Value;
        CurrentSink.Value = sink;
        return previous;
    }
}

/// <summary>Plain-text output to the console; rich MIME types written to files under <c>out/notebooks/&lt;name&gt;/</c>.</summary>
public sealed class ConsoleDisplaySink : IDisplaySink
{
    private readonly string _name;
    private int _count;

    /// <summary>Creates the sink.</summary>
    /// <param name="name">The notebook's name.</param>
    public ConsoleDisplaySink(string name) => _name = name;

    /// <inheritdoc/>
    public void Display(object? value, string[] mimeTypes)
    {
        ArgumentNullException.ThrowIfNull(mimeTypes);
        string mime = mimeTypes.Length == 0 ? "text/plain" : mimeTypes[0];
        string text = ValueText.Format(value);
        string? extension = mime switch
        {
            "image/svg+xml" => "svg",
            "text/html" => "html",
            _ => null,
        };
        if (extension is null)
        {
            Console.WriteLine(text);
            return;
        }

        int n = Interlocked.Increment(ref _count);
        string directory = Path.Combine("out", "notebooks", _name);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, $"display-{n}.{extension}");
        File.WriteAllText(path, text);
        Console.WriteLine($"[{mime}, {text.Length:N0} characters: {path}]");
    }
}
