using System;
using System.Globalization;
using System.Text;

namespace CrossLMM.Zoo.Tools.Charts;

/// <summary>
/// A minimal SVG writer: elements with attributes, escaped text, invariant numbers with at most two
/// decimals. Output is deterministic (same input, same bytes) and well-formed XML by construction: every
/// attribute value and text node goes through <see cref="Escape"/>.
/// </summary>
public sealed class SvgBuilder
{
    private readonly StringBuilder _sb = new();
    private int _depth;

    /// <summary>Opens the root <c>&lt;svg&gt;</c> of the given size (pixels) with a white background.</summary>
    /// <param name="width">Width.</param>
    /// <param name="height">Height.</param>
    /// <param name="fontFamily">Default font.</param>
    public SvgBuilder(double width, double height, string fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif")
    {
        _sb.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        Open("svg",
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("width", Num(width)),
            ("height", Num(height)),
            ("viewBox", $"0 0 {Num(width)} {Num(height)}"),
            ("font-family", fontFamily),
            ("font-size", "12"));
        Element("rect", ("x", "0"), ("y", "0"), ("width", Num(width)), ("height", Num(height)), ("fill", "#ffffff"));
    }

    /// <summary>Opens an element; close it with <see cref="Close"/>.</summary>
    /// <param name="name">Element name.</param>
    /// <param name="attributes">Name/value pairs (values escaped; null values skipped).</param>
    public SvgBuilder Open(string name, params (string Name, string? Value)[] attributes)
    {
        Indent();
        _sb.Append('<').Append(name);
        Attributes(attributes);
        _sb.Append(">\n");
        _depth++;
        return this;
    }

    /// <summary>Closes the innermost open element.</summary>
    /// <param name="name">Its name.</param>
    public SvgBuilder Close(string name)
    {
        _depth--;
        Indent();
        _sb.Append("</").Append(name).Append(">\n");
        return this;
    }

    /// <summary>An empty element (<c>&lt;line ... /&gt;</c>).</summary>
    /// <param name="name">Element name.</param>
    /// <param name="attributes">Name/value pairs.</param>
    public SvgBuilder Element(string name, params (string Name, string? Value)[] attributes)
    {
        Indent();
        _sb.Append('<').Append(name);
        Attributes(attributes);
        _sb.Append("/>\n");
        return this;
    }

    /// <summary>An element with text content (<c>&lt;text ...&gt;label&lt;/text&gt;</c>).</summary>
    /// <param name="name">Element name.</param>
    /// <param name="text">Its text (escaped).</param>
    /// <param name="attributes">Name/value pairs.</param>
    public SvgBuilder Text(string name, string text, params (string Name, string? Value)[] attributes)
    {
        Indent();
        _sb.Append('<').Append(name);
        Attributes(attributes);
        _sb.Append('>').Append(Escape(text)).Append("</").Append(name).Append(">\n");
        return this;
    }

    /// <summary>Closes the root and returns the document.</summary>
    public string Finish()
    {
        while (_depth > 0)
        {
            Close(_depth == 1 ? "svg" : "g");
        }

        return _sb.ToString();
    }

    /// <summary>A number for an attribute: invariant, at most two decimals, no exponent.</summary>
    /// <param name="value">The value.</param>
    public static string Num(double value) =>
        double.IsFinite(value) ? Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture) : "0";

    /// <summary>Escapes XML text and attribute values (&amp; &lt; &gt; &quot; &apos;) and drops characters XML forbids.</summary>
    /// <param name="text">Raw text.</param>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&apos;"); break;
                default:
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.ToString();
    }

    private void Attributes((string Name, string? Value)[] attributes)
    {
        foreach (var (name, value) in attributes)
        {
            if (value is not null)
            {
                _sb.Append(' ').Append(name).Append("=\"").Append(Escape(value)).Append('"');
            }
        }
    }

    private void Indent() => _sb.Append(' ', _depth * 2);
}
