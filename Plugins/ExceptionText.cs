using System.Reflection;

namespace Meta.Plugins;

/// <summary>Turns an exception into the one-line text used in <see cref="PluginProblem.Reason"/>.</summary>
internal static class ExceptionText
{
    private const int MaxDepth = 3;

    /// <summary>
    /// <c>Type: message</c>, with reflection wrappers removed, the first loader exception of a
    /// <see cref="ReflectionTypeLoadException"/> and the inner exceptions (a few levels) appended.
    /// </summary>
    public static string Describe(Exception exception) => Describe(exception, 0);

    private static string Describe(Exception exception, int depth)
    {
        exception = Unwrap(exception);
        var text = $"{exception.GetType().Name}: {OneLine(exception.Message)}";

        if (exception is ReflectionTypeLoadException typeLoad)
        {
            var loaderExceptions = typeLoad.LoaderExceptions.OfType<Exception>().ToList();
            if (loaderExceptions.Count > 0)
            {
                text += $" ({loaderExceptions.Count} loader exception(s), first: {Describe(loaderExceptions[0], depth + 1)})";
            }
        }
        else if (exception.InnerException is { } inner && depth < MaxDepth)
        {
            text += $" ---> {Describe(inner, depth + 1)}";
        }

        return text;
    }

    private static Exception Unwrap(Exception exception)
    {
        while (true)
        {
            switch (exception)
            {
                case TargetInvocationException { InnerException: { } inner }:
                    exception = inner;
                    break;
                case AggregateException aggregate when aggregate.InnerExceptions.Count == 1:
                    exception = aggregate.InnerExceptions[0];
                    break;
                default:
                    return exception;
            }
        }
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
