namespace TensorPool.BindingsGen.Model;

/// <summary>An object-like macro whose body is a string literal: its C name, C# name and value.</summary>
internal sealed record StringConstant(string CName, string Name, string Value, string? Comment);
