namespace Mft.Chat;

/// <summary>One turn of a conversation as a chat template sees it: a role ("system", "user", "assistant") and its text.</summary>
public sealed record ChatMessage(string Role, string Content);
