using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Configuration;

/// <summary>
/// A part of the configuration something reads: an options type bound to <see cref="Path"/> (<c>""</c> for a type bound
/// to the root, whose properties are top-level sections), or, with no <see cref="OptionsType"/>, a section read as it
/// is by its consumer (<c>Logging</c> by the logging framework). <see cref="KnownKeys.CheckSections"/> refuses every
/// other top-level section.
/// </summary>
public sealed record ConfigurationBinding(string Path, Type? OptionsType);

/// <summary>Refuses keys under <typeparamref name="TOptions"/>'s section that none of its properties takes (<see cref="KnownKeys.Check"/>).</summary>
public sealed class KnownKeysValidator<TOptions>(IConfiguration section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options) =>
        KnownKeys.Check(section, typeof(TOptions)) is { Count: > 0 } failures ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
}

/// <summary>Marker options type whose validation on start refuses unknown top-level sections.</summary>
public sealed class KnownSections;

/// <summary>Refuses top-level sections that no registered <see cref="ConfigurationBinding"/> reads.</summary>
public sealed class KnownSectionsValidator(IConfiguration root, IEnumerable<ConfigurationBinding> bindings) : IValidateOptions<KnownSections>
{
    public ValidateOptionsResult Validate(string? name, KnownSections options) =>
        KnownKeys.CheckSections(root, bindings) is { Count: > 0 } failures ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
}
