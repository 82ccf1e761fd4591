namespace Mft;

/// <summary>
/// A property holding a nested config record whose options are the parent's own (<c>FinetuneJobConfig.Trainer</c>):
/// <see cref="OptionSchema"/> lists them under the same flat keys. A group that may be absent (null) names the option
/// that creates it in <see cref="CreatedBy"/> (<c>adapter</c>): its other options are errors without that one.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OptionGroupAttribute : Attribute
{
    public string? CreatedBy { get; init; }
}
