global using CrossLMM.Zoo.Configs;
global using Xunit;
