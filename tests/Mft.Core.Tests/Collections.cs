namespace Mft.Tests;

/// <summary>Tests that redirect the process's console must not overlap.</summary>
[CollectionDefinition("console", DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>Tests that measure process-wide memory run alone, so other tests' allocations do not count.</summary>
[CollectionDefinition("memory", DisableParallelization = true)]
public sealed class MemoryCollection;

/// <summary>
/// Tests that run TorchSharp custom autograd functions (activation checkpointing) run alone: a backward pass that calls
/// back into managed code while other tests free tensors on other threads is the one place native memory is shared
/// across tests (a CI run crashed once in libtorch while they were new; kept apart until that is understood).
/// </summary>
[CollectionDefinition("autograd", DisableParallelization = true)]
public sealed class AutogradCollection;
