using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Meta.Backends.Cpu;

/// <summary>
/// Compiles the per-step paths when an engine loads rather than at their first call inside the first run. Those methods
/// are marked <see cref="MethodImplOptions.AggressiveOptimization"/> (so that a run never executes them unoptimized),
/// which also keeps ReadyToRun from precompiling them: without this, the first run of a process paid for their JIT
/// compilation inside its timed steps (a 1 s run of 4 000 cells spent more CPU time in its first run than in a second).
/// Once per closed type and process; the results do not depend on it.
/// </summary>
internal static class StepPathPreparation
{
    private static readonly ConcurrentDictionary<Type, bool> s_prepared = new();

    /// <summary>
    /// Compiles every method of each of <paramref name="types"/> marked <see cref="MethodImplOptions.AggressiveOptimization"/>
    /// (declared on the type itself), once per type and process; returns how many it compiled now.
    /// </summary>
    public static int Prepare(params Type[] types)
    {
        int prepared = 0;
        foreach (var type in types)
        {
            if (!s_prepared.TryAdd(type, true)) continue;
            // A method of a closed generic type is prepared through its open definition and the type's arguments.
            var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
            var instantiation = type.IsGenericType ? type.GetGenericArguments().Select(t => t.TypeHandle).ToArray() : null;
            const BindingFlags all = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
            foreach (var method in definition.GetMethods(all))
            {
                if (method.IsAbstract || method.IsGenericMethodDefinition || (method.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) == 0) continue;
                RuntimeHelpers.PrepareMethod(method.MethodHandle, instantiation);
                prepared++;
            }
        }
        return prepared;
    }

    /// <summary>Whether <paramref name="type"/>'s per-step methods were compiled in this process.</summary>
    public static bool IsPrepared(Type type) => s_prepared.ContainsKey(type);
}
