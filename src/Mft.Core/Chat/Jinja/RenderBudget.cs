namespace Mft.Chat.Jinja;

/// <summary>
/// What one rendering has spent against <see cref="TemplateLimits"/>: steps taken, and how deeply evaluation and
/// macro calls are nested right now. One per <see cref="Interpreter.Run"/>.
/// </summary>
internal sealed class RenderBudget
{
    private long _steps;
    private int _depth;
    private int _macroDepth;

    /// <summary>Counts one step (a statement, an expression, a loop iteration).</summary>
    public void Step() => Charge(1);

    /// <summary>Counts <paramref name="steps"/> steps.</summary>
    public void Charge(long steps)
    {
        _steps += steps;
        if (_steps > TemplateLimits.MaxSteps)
            throw TemplateLimits.Exceeded("rendering", "MaxSteps", TemplateLimits.MaxSteps);
    }

    /// <summary>
    /// Counts the work of reading or building a string or list: one step per
    /// <see cref="TemplateLimits.CharactersPerStep"/> characters, or per item.
    /// </summary>
    public void ChargeSize(object? value)
    {
        long steps = value switch
        {
            string s => s.Length / TemplateLimits.CharactersPerStep,
            List<object?> l => l.Count,
            Dict d => d.Count,
            _ => 0,
        };
        if (steps > 0) Charge(steps);
    }

    /// <summary>Counts comparing each pair of <paramref name="count"/> items (the <c>unique</c> filter).</summary>
    public void ChargeComparisons(long count) => Charge(count * count / 2);

    /// <summary>Enters a nested statement or expression; dispose the result to leave it.</summary>
    public Level Enter()
    {
        if (++_depth > TemplateLimits.MaxEvaluationDepth)
        {
            _depth--;
            throw TemplateLimits.Exceeded("statements and expressions nested", "MaxEvaluationDepth", TemplateLimits.MaxEvaluationDepth);
        }
        return new Level(this, macro: false);
    }

    /// <summary>Enters a call of macro <paramref name="name"/>; dispose the result to return from it.</summary>
    public Level EnterMacro(string name)
    {
        if (++_macroDepth > TemplateLimits.MaxMacroCallDepth)
        {
            _macroDepth--;
            throw TemplateLimits.Exceeded($"calls of macro '{name}' nested", "MaxMacroCallDepth", TemplateLimits.MaxMacroCallDepth);
        }
        return new Level(this, macro: true);
    }

    /// <summary>One level of nesting, left when disposed.</summary>
    public readonly struct Level(RenderBudget budget, bool macro) : IDisposable
    {
        public void Dispose()
        {
            if (macro) budget._macroDepth--;
            else budget._depth--;
        }
    }
}
