// The TorchSharp namespaces come from build/Zoo.props (global usings shared with every model project).
global using CrossLMM.Zoo.Configs;
