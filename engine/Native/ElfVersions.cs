using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace CrossLMM.Zoo.Engine.Native;

/// <summary>
/// The symbol-versioning tables of a 64-bit little-endian ELF shared library (System V gABI, "Symbol
/// Versioning"): the versions it defines (<c>.gnu.version_d</c>, e.g. libstdc++'s <c>GLIBCXX_3.4.30</c>) and the
/// versions it requires from other libraries (<c>.gnu.version_r</c>). Enough to answer "does this libstdc++
/// provide GLIBCXX_3.4.32?" and to mark one required version as weak, which is the Debian 12 fix for
/// TorchSharp's glue library (see <see cref="TorchNativeLoader"/>).
/// </summary>
public sealed class ElfVersions
{
    private const uint ShtDynsym = 11;
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;

    /// <summary><c>VER_FLG_WEAK</c>: the loader does not fail when a weak required version is missing.</summary>
    public const ushort WeakFlag = 0x2;

    private readonly byte[] _image;
    private readonly List<Section> _sections;

    private ElfVersions(byte[] image, string path)
    {
        _image = image;
        Path = path;
        _sections = ReadSections(image, path);
    }

    /// <summary>The file the tables were read from.</summary>
    public string Path { get; }

    /// <summary>Reads a library's version tables.</summary>
    /// <exception cref="InvalidDataException">Not a 64-bit little-endian ELF file, or its section table is damaged.</exception>
    public static ElfVersions Read(string path) => new(File.ReadAllBytes(path), path);

    /// <summary>Version names the library defines (from <c>.gnu.version_d</c>), in table order.</summary>
    public IReadOnlyList<string> Defined()
    {
        var names = new List<string>();
        foreach (var s in _sections)
        {
            if (s.Type != ShtGnuVerdef) continue;
            var strings = _sections[(int)s.Link];
            long at = s.Offset;
            for (var i = 0; i < (int)s.Info; i++)
            {
                // Elf64_Verdef: vd_version, vd_flags, vd_ndx, vd_cnt (u16 each), vd_hash, vd_aux, vd_next (u32 each)
                uint aux = U32(at + 12), next = U32(at + 16);
                names.Add(String(strings, U32(at + aux)));   // the first Verdaux names the version itself
                if (next == 0) break;
                at += next;
            }
        }

        return names;
    }

    /// <summary>Whether the library defines version <paramref name="version"/>.</summary>
    public bool Defines(string version) => Defined().Contains(version);

    /// <summary>Required versions (from <c>.gnu.version_r</c>): the library that must provide each, its name and its flags.</summary>
    public IReadOnlyList<(string File, string Version, ushort Flags, ushort Index)> Required()
    {
        var result = new List<(string, string, ushort, ushort)>();
        foreach (var (file, version, flagsAt, index) in RequiredEntries())
        {
            result.Add((file, version, U16(flagsAt), index));
        }

        return result;
    }

    /// <summary>
    /// Marks required version <paramref name="version"/> weak (<see cref="WeakFlag"/>) and unversions every
    /// dynamic symbol bound to it (their <c>.gnu.version</c> entry becomes 1, "global"), in this in-memory image.
    /// </summary>
    /// <returns>The number of symbols unversioned.</returns>
    /// <exception cref="InvalidOperationException">The library does not require <paramref name="version"/>.</exception>
    public int MakeRequirementWeak(string version)
    {
        ushort? index = null;
        foreach (var (_, v, flagsAt, i) in RequiredEntries())
        {
            if (v != version) continue;
            BinaryPrimitives.WriteUInt16LittleEndian(_image.AsSpan((int)flagsAt), (ushort)(U16(flagsAt) | WeakFlag));
            index = i;
        }

        if (index is null)
        {
            throw new InvalidOperationException($"{Path} does not require version '{version}'");
        }

        var unversioned = 0;
        foreach (var s in _sections)
        {
            if (s.Type != ShtGnuVersym) continue;
            for (long at = s.Offset; at + 2 <= s.Offset + s.Size; at += 2)
            {
                if ((U16(at) & 0x7fff) != index) continue;
                BinaryPrimitives.WriteUInt16LittleEndian(_image.AsSpan((int)at), 1);
                unversioned++;
            }
        }

        return unversioned;
    }

    /// <summary>Writes the (possibly edited) image.</summary>
    public void Save(string path) => File.WriteAllBytes(path, _image);

    private IEnumerable<(string File, string Version, long FlagsAt, ushort Index)> RequiredEntries()
    {
        foreach (var s in _sections)
        {
            if (s.Type != ShtGnuVerneed) continue;
            var strings = _sections[(int)s.Link];
            long at = s.Offset;
            for (var i = 0; i < (int)s.Info; i++)
            {
                // Elf64_Verneed: vn_version, vn_cnt (u16), vn_file, vn_aux, vn_next (u32)
                ushort count = U16(at + 2);
                string file = String(strings, U32(at + 4));
                long aux = at + U32(at + 8);
                for (var j = 0; j < count; j++)
                {
                    // Elf64_Vernaux: vna_hash (u32), vna_flags, vna_other (u16), vna_name, vna_next (u32)
                    yield return (file, String(strings, U32(aux + 8)), aux + 4, U16(aux + 6));
                    uint nextAux = U32(aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }

                uint next = U32(at + 12);
                if (next == 0) break;
                at += next;
            }
        }
    }

    private ushort U16(long at) => BinaryPrimitives.ReadUInt16LittleEndian(Span(at, 2));

    private uint U32(long at) => BinaryPrimitives.ReadUInt32LittleEndian(Span(at, 4));

    private ReadOnlySpan<byte> Span(long at, int length)
    {
        if (at < 0 || at + length > _image.Length)
        {
            throw new InvalidDataException($"{Path}: version table points outside the file (offset {at}, size {_image.Length})");
        }

        return _image.AsSpan((int)at, length);
    }

    private string String(Section table, uint offset)
    {
        long start = table.Offset + offset;
        if (offset >= table.Size || start >= _image.Length)
        {
            throw new InvalidDataException($"{Path}: string offset {offset} outside its table ({table.Size} bytes)");
        }

        var end = Array.IndexOf(_image, (byte)0, (int)start);
        if (end < 0) end = _image.Length;
        return Encoding.ASCII.GetString(_image, (int)start, end - (int)start);
    }

    private readonly record struct Section(uint Type, long Offset, long Size, uint Link, uint Info);

    private static List<Section> ReadSections(byte[] image, string path)
    {
        // ELF header: magic, class 2 (64-bit), data 1 (little-endian)
        if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
        {
            throw new InvalidDataException($"{path} is not an ELF file");
        }

        if (image[4] != 2 || image[5] != 1)
        {
            throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file (class {image[4]}, data {image[5]})");
        }

        long shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(0x28));
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(0x3A));
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(0x3C));
        if (shoff <= 0 || shentsize < 64 || shoff + (long)shentsize * shnum > image.Length)
        {
            throw new InvalidDataException($"{path}: section header table (offset {shoff}, {shnum} × {shentsize} bytes) does not fit the file ({image.Length} bytes)");
        }

        var sections = new List<Section>(shnum);
        for (var i = 0; i < shnum; i++)
        {
            var h = image.AsSpan((int)(shoff + (long)i * shentsize), 64);
            var s = new Section(
                Type: BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                Offset: (long)BinaryPrimitives.ReadUInt64LittleEndian(h[24..]),
                Size: (long)BinaryPrimitives.ReadUInt64LittleEndian(h[32..]),
                Link: BinaryPrimitives.ReadUInt32LittleEndian(h[40..]),
                Info: BinaryPrimitives.ReadUInt32LittleEndian(h[44..]));
            if (s.Type is ShtGnuVerdef or ShtGnuVerneed or ShtGnuVersym or ShtDynsym && (s.Offset < 0 || s.Offset + s.Size > image.Length || s.Link >= shnum))
            {
                throw new InvalidDataException($"{path}: section {i} (type 0x{s.Type:x}) lies outside the file or links to a missing section");
            }

            sections.Add(s);
        }

        return sections;
    }
}
