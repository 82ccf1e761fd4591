namespace Mft.Tests;

/// <summary>Tests that redirect the process's console must not overlap.</summary>
[CollectionDefinition("console", DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>Tests that measure process-wide memory run alone, so other tests' allocations do not count.</summary>
[CollectionDefinition("memory", DisableParallelization = true)]
public sealed class MemoryCollection;
