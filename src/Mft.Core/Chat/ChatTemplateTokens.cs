namespace Mft.Chat;

/// <summary>
/// The tokenizer's special tokens that transformers passes to a chat template as <c>bos_token</c> and <c>eos_token</c>.
/// A null token is left undefined in the template, as transformers omits unset special tokens.
/// </summary>
public sealed record ChatTemplateTokens(string? BosToken, string? EosToken);
