namespace Mft.Objectives;

/// <summary>Builds an objective from its method name: ft, mft or kd.</summary>
public static class ObjectiveFactory
{
    public static readonly string[] Methods = ["ft", "mft", "kd"];

    public static ITrainingObjective Create(string method, double tau = 0.2, double temperature = 1.0, bool correctAll = true) =>
        method switch
        {
            "ft" => new CrossEntropyObjective(),
            "mft" => new MftObjective(tau, temperature, correctAll),
            "kd" => new KdObjective(temperature),
            _ => throw new MftException($"unknown method '{method}' (expected one of: {string.Join(", ", Methods)})"),
        };
}
