using System.Collections;
using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace EdgeGateway.Core.Configuration;

/// <summary>
/// Finds configuration keys that no options property takes. The binder ignores them silently, so a misspelt
/// <c>Mqtt:CaFlie</c> would leave CA pinning off. The known keys are the bindable properties of the bound options
/// types, found by reflection the way the binder finds them, so a property added later is known without listing it.
/// </summary>
public static class KnownKeys
{
    /// <summary>
    /// One failure per key under <paramref name="section"/> that <paramref name="optionsType"/> does not take, naming the
    /// full key and the closest known one. When <paramref name="section"/> is the root (the type takes top-level
    /// arrays such as <c>Inputs</c>), only the keys that are the type's properties are looked into: the other sections
    /// belong to other options types.
    /// </summary>
    public static List<string> Check(IConfiguration section, Type optionsType)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(optionsType);
        var failures = new List<string>();
        if (section is IConfigurationSection own)
        {
            CheckValue(own, optionsType, failures);
        }
        else
        {
            var properties = BindableProperties(optionsType);
            foreach (var child in section.GetChildren())
            {
                if (properties.TryGetValue(child.Key, out var property))
                {
                    CheckValue(child, property, failures);
                }
            }
        }

        return failures;
    }

    /// <summary>
    /// One failure per top-level section of <paramref name="root"/> that nothing reads: neither a section an options type
    /// is bound to, nor a property of a type bound to the root, nor a section read as it is (<c>Logging</c>).
    /// </summary>
    public static List<string> CheckSections(IConfiguration root, IEnumerable<ConfigurationBinding> bindings)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(bindings);
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var binding in bindings)
        {
            if (binding.Path.Length > 0)
            {
                known.Add(binding.Path.Split(ConfigurationPath.KeyDelimiter)[0]);
            }
            else if (binding.OptionsType is { } rootType)
            {
                known.UnionWith(BindableProperties(rootType).Keys);
            }
        }

        return [.. root.GetChildren().Where(c => !known.Contains(c.Key)).Select(c => $"{c.Path}: unknown section{Suggestion("", c.Key, known)}")];
    }

    /// <summary>The known key closest to <paramref name="key"/> as "; did you mean X?", or "" when none is close.</summary>
    public static string Suggestion(string parentPath, string key, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(key);
        var best = candidates
            .Select(c => (Candidate: c, Distance: Distance(key.ToUpperInvariant(), c.ToUpperInvariant())))
            .Where(c => c.Distance <= Math.Max(2, key.Length / 3))
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Candidate, StringComparer.Ordinal)
            .Select(c => c.Candidate)
            .FirstOrDefault();
        return best is null ? "" : $"; did you mean {(parentPath.Length == 0 ? "" : parentPath + ConfigurationPath.KeyDelimiter)}{best}?";
    }

    private static void CheckValue(IConfigurationSection section, Type type, List<string> failures)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var children = section.GetChildren().ToList();
        if (IsSingleValue(type))
        {
            if (children.Count > 0)
            {
                failures.Add($"{section.Path}: takes a single value, not the keys {string.Join(", ", children.Select(c => c.Key))}");
            }

            return;
        }

        if (children.Count == 0)
        {
            // An empty JSON array or object arrives as an empty value; anything else is a value where keys belong.
            if (!string.IsNullOrEmpty(section.Value))
            {
                failures.Add($"{section.Path}: takes keys (a JSON object or array), not the value '{section.Value}'");
            }

            return;
        }

        if (ElementType(type) is { } element)
        {
            foreach (var child in children)
            {
                CheckValue(child, element, failures);
            }

            return;
        }

        var properties = BindableProperties(type);
        foreach (var child in children)
        {
            if (properties.TryGetValue(child.Key, out var property))
            {
                CheckValue(child, property, failures);
            }
            else
            {
                failures.Add($"{child.Path}: unknown key{Suggestion(section.Path, child.Key, properties.Keys)}");
            }
        }
    }

    /// <summary>What the binder converts from one string: primitives, strings, enums, anything with a string converter.</summary>
    private static bool IsSingleValue(Type type) =>
        type == typeof(string) || type.IsPrimitive || type.IsEnum || TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string));

    /// <summary>The element type of an array, list or set, or the value type of a dictionary; null for other types.</summary>
    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (!typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        var generic = type.IsInterface && type.IsGenericType ? [type, .. type.GetInterfaces()] : type.GetInterfaces();
        var dictionary = generic.FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        if (dictionary is not null)
        {
            return dictionary.GetGenericArguments()[1];
        }

        return generic.FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
    }

    /// <summary>
    /// The properties the binder can set, by configuration key (case-insensitive, as the binder matches): public with a
    /// public setter, or a getter-only object or collection it binds into. A computed value such as
    /// <c>MqttOptions.IsLoopback</c> is not settable, so a key for it would be ignored: it counts as unknown.
    /// </summary>
    private static Dictionary<string, Type> BindableProperties(Type type)
    {
        var properties = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is not { IsPublic: true })
            {
                continue;
            }

            if (property.SetMethod is { IsPublic: true } || !IsSingleValue(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType))
            {
                var key = property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;
                properties.TryAdd(key, property.PropertyType);
            }
        }

        return properties;
    }

    /// <summary>Levenshtein distance: edits (insert, delete, substitute) from <paramref name="a"/> to <paramref name="b"/>.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), substitute);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
