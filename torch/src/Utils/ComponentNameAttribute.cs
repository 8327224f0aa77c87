using System;

namespace TorchSharp.Utils;

/// <summary>Names a module field's component in the state dict instead of the field name (TorchSharp's attribute).</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public class ComponentNameAttribute : Attribute
{
    public string Name { get; set; } = "";
}
