using System;
using System.Collections;
using System.Collections.Generic;
using System.Text;

namespace CrossLMM.Zoo.Configs
{
    /// <summary>
    /// An immutable array with value equality: two arrays are equal when they hold equal items in the same
    /// order. Config records use it for every list so that the records themselves compare by value (and so
    /// that the source generator's incremental pipeline can cache them).
    /// </summary>
    /// <typeparam name="T">The item type; compared with <see cref="EqualityComparer{T}.Default"/>.</typeparam>
    public readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
    {
        private readonly T[]? items;

        /// <summary>Wraps a copy of <paramref name="items"/>.</summary>
        /// <param name="items">The items, in order. <see langword="null"/> is treated as empty.</param>
        public EquatableArray(IEnumerable<T>? items)
        {
            this.items = items is null ? null : new List<T>(items).ToArray();
        }

        /// <summary>The empty array.</summary>
        public static EquatableArray<T> Empty => default;

        /// <summary>Number of items.</summary>
        public int Count => items?.Length ?? 0;

        /// <summary>Whether the array has no items.</summary>
        public bool IsEmpty => Count == 0;

        /// <summary>The item at <paramref name="index"/>.</summary>
        /// <param name="index">Zero-based position.</param>
        /// <exception cref="ArgumentOutOfRangeException">The index is outside [0, Count).</exception>
        public T this[int index]
        {
            get
            {
                if (items is null || (uint)index >= (uint)items.Length)
                {
                    throw new ArgumentOutOfRangeException(nameof(index), index, $"index ({index}) must be in [0, {Count})");
                }

                return items[index];
            }
        }

        /// <summary>Whether any item equals <paramref name="item"/>.</summary>
        /// <param name="item">The item to look for.</param>
        public bool Contains(T item) => IndexOf(item) >= 0;

        /// <summary>Position of the first item equal to <paramref name="item"/>, or -1.</summary>
        /// <param name="item">The item to look for.</param>
        public int IndexOf(T item)
        {
            if (items is null)
            {
                return -1;
            }

            var comparer = EqualityComparer<T>.Default;
            for (int i = 0; i < items.Length; i++)
            {
                if (comparer.Equals(items[i], item))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>A fresh copy of the items as an array.</summary>
        public T[] ToArray() => items is null ? new T[0] : (T[])items.Clone();

        /// <inheritdoc/>
        public bool Equals(EquatableArray<T> other)
        {
            int n = Count;
            if (n != other.Count)
            {
                return false;
            }

            var comparer = EqualityComparer<T>.Default;
            for (int i = 0; i < n; i++)
            {
                if (!comparer.Equals(items![i], other.items![i]))
                {
                    return false;
                }
            }

            return true;
        }

        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

        /// <inheritdoc/>
        public override int GetHashCode()
        {
            unchecked
            {
                int hash = 17;
                if (items is not null)
                {
                    var comparer = EqualityComparer<T>.Default;
                    foreach (var item in items)
                    {
                        hash = (hash * 31) + (item is null ? 0 : comparer.GetHashCode(item));
                    }
                }

                return hash;
            }
        }

        /// <summary>The items as <c>[a, b, c]</c>.</summary>
        public override string ToString()
        {
            var sb = new StringBuilder("[");
            for (int i = 0; i < Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(", ");
                }

                sb.Append(items![i]?.ToString() ?? "null");
            }

            return sb.Append(']').ToString();
        }

        /// <summary>Enumerates the items in order.</summary>
        public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(items ?? new T[0])).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>Value equality.</summary>
        /// <param name="left">First array.</param>
        /// <param name="right">Second array.</param>
        public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

        /// <summary>Value inequality.</summary>
        /// <param name="left">First array.</param>
        /// <param name="right">Second array.</param>
        public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);
    }

    /// <summary>Factory helpers for <see cref="EquatableArray{T}"/>.</summary>
    public static class EquatableArray
    {
        /// <summary>An array holding <paramref name="items"/> in order: <c>EquatableArray.Of(3, 7, 11)</c>.</summary>
        /// <typeparam name="T">The item type.</typeparam>
        /// <param name="items">The items.</param>
        public static EquatableArray<T> Of<T>(params T[] items) => new EquatableArray<T>(items);

        /// <summary>Copies a sequence into an <see cref="EquatableArray{T}"/>.</summary>
        /// <typeparam name="T">The item type.</typeparam>
        /// <param name="items">The items.</param>
        public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items) => new EquatableArray<T>(items);
    }
}
