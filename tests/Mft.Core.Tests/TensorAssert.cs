namespace Mft.Tests;

public static class TensorAssert
{
    /// <summary>Asserts max |expected - actual| &lt;= tolerance and returns that maximum.</summary>
    public static double Close(double[,] expected, double[,] actual, double tolerance, string what = "")
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        Assert.Equal(expected.GetLength(1), actual.GetLength(1));
        double worst = 0;
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int j = 0; j < expected.GetLength(1); j++)
                worst = Math.Max(worst, Math.Abs(expected[i, j] - actual[i, j]));
        Assert.True(worst <= tolerance, $"{what}: max |diff| = {worst:E3} > {tolerance:E1}");
        return worst;
    }
}
