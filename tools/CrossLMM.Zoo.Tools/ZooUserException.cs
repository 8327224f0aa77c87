using System;

namespace CrossLMM.Zoo.Tools;

/// <summary>
/// A mistake of the user (an unknown architecture, a bad frame list, a missing file, an invalid spec) rather
/// than a bug: the `zoo` command prints its message as one line and exits non-zero, without a stack trace.
/// Messages quote the offending value and, where possible, say what would be accepted.
/// </summary>
public sealed class ZooUserException : Exception
{
    /// <summary>A user error with its one-line message.</summary>
    /// <param name="message">What is wrong, quoting the value.</param>
    public ZooUserException(string message) : base(message)
    {
    }

    /// <summary>A user error caused by another exception (kept as the inner exception for debugging).</summary>
    /// <param name="message">What is wrong, quoting the value.</param>
    /// <param name="inner">The underlying exception.</param>
    public ZooUserException(string message, Exception inner) : base(message, inner)
    {
    }
}
