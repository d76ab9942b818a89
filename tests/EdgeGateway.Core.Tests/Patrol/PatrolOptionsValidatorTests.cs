using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using EdgeGateway.Core.Patrol;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Tests.Patrol;

public sealed class PatrolOptionsValidatorTests
{
    private static readonly InputsOptions s_inputs = new()
    {
        Inputs =
        [
            new InputOptions { Id = "cp-gate", Pin = 22, Kind = EventKind.Checkpoint },
            new InputOptions { Id = "cp-lab", Pin = 23, Kind = EventKind.Checkpoint },
            new InputOptions { Id = "office-panic", Pin = 17, Kind = EventKind.Panic },
        ],
    };

    [Fact]
    public void ARoundOverCheckpointsWithTimes_IsValid()
    {
        Assert.True(Validate(new PatrolRoundOptions { Id = "night", Checkpoints = ["cp-gate", "cp-lab"], Times = ["22:00", "02:00:30"], MaxDurationSeconds = 2700 }).Succeeded);
        Assert.True(Validate(new PatrolRoundOptions { Id = "day", Checkpoints = ["cp-lab"], EveryHours = 4 }).Succeeded);
    }

    public static TheoryData<string, string, Action<PatrolRoundOptions>> BadRounds => new()
    {
        { "Patrol:Rounds:0:Checkpoints:1", "'office-panic' is not an input of kind 'checkpoint'", r => r.Checkpoints = ["cp-gate", "office-panic"] },
        { "Patrol:Rounds:0:Times", "each time must be HH:mm", r => r.Times = ["25:00"] },
        { "Patrol:Rounds:0:MaxDurationSeconds", "is not shorter than the 1800 s between two of the round's times", r => r.Times = ["22:00", "22:30"] },
        { "Patrol:Rounds:0:Id", "is already the id of another round, an input or the patrol watch", r => r.Id = "cp-gate" },
        { "Patrol:Rounds:0:EveryHours", "give either Times or EveryHours, not both", r => r.EveryHours = 6 },
        { "Patrol:Rounds:0:MaxDurationSeconds", "5 is outside 10-86400", r => r.MaxDurationSeconds = 5 },
    };

    [Theory]
    [MemberData(nameof(BadRounds))]
    public void ABadRound_IsRefused_NamingItsKey(string key, string problem, Action<PatrolRoundOptions> spoil)
    {
        var round = new PatrolRoundOptions { Id = "night", Checkpoints = ["cp-gate"], Times = ["22:00"] };
        spoil(round);

        var failure = Assert.Single(Validate(round).Failures!);
        Assert.StartsWith(key + ":", failure, StringComparison.Ordinal);
        Assert.Contains(problem, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void AMisspeltKeyInARound_StopsTheStart()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Patrol:Rounds:0:Id"] = "night",
            ["Patrol:Rounds:0:Checkpoints:0"] = "cp-gate",
            ["Patrol:Rounds:0:Times:0"] = "22:00",
            ["Patrol:Rounds:0:MaxDuration"] = "600",
        }).Build();
        using var provider = new ServiceCollection().AddSingleton(Options.Create(s_inputs)).AddPatrol(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PatrolOptions>>().Value);
        Assert.Contains("Patrol:Rounds:0:MaxDuration: unknown key", error.Message, StringComparison.Ordinal);
    }

    private static ValidateOptionsResult Validate(PatrolRoundOptions round) =>
        new PatrolOptionsValidator(Options.Create(s_inputs)).Validate(null, new PatrolOptions { Rounds = [round] });
}
