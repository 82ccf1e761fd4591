using System.Reflection;
using System.Reflection.Emit;

namespace Mft.Tests.Architecture;

/// <summary>Reads compiled method bodies (IL): the members their method, field, type and token operands name.</summary>
internal static class MethodBodyReader
{
    public const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>Every method and constructor a type declares.</summary>
    public static IEnumerable<MethodBase> MethodsOf(Type type) =>
        type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared));

    /// <summary>The members named by the body's operands, in order; tokens that do not resolve are skipped.</summary>
    public static IEnumerable<MemberInfo> MembersIn(MethodBase method)
    {
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (FileNotFoundException) { yield break; }          // a body whose locals name an assembly not shipped
        if (il is null) yield break;
        var module = method.Module;
        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int pc = 0; pc < il.Length;)
        {
            short value = il[pc] == 0xFE ? (short)(0xFE00 | il[pc + 1]) : il[pc];
            pc += il[pc] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[value];
            int token = op.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok
                ? BitConverter.ToInt32(il, pc) : 0;
            pc += OperandSize(op.OperandType, il, pc);
            if (token == 0) continue;
            MemberInfo? member;
            try { member = module.ResolveMember(token, typeArgs, methodArgs); }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException or TypeLoadException) { continue; }
            if (member is not null) yield return member;
        }
    }

    private static int OperandSize(OperandType type, byte[] il, int pc) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, pc),
        _ => 4,
    };
}
