using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Inputs;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Core.Patrol;

/// <summary>Checks every round: its id, that its checkpoints are <c>checkpoint</c> inputs, its schedule and its maximum duration.</summary>
public sealed class PatrolOptionsValidator(IOptions<InputsOptions> inputs) : IValidateOptions<PatrolOptions>
{
    public ValidateOptionsResult Validate(string? name, PatrolOptions options)
    {
        var errors = new ConfigErrors();
        var kinds = inputs.Value.Inputs.GroupBy(i => i.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Kind, StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Rounds.Count; i++)
        {
            var round = options.Rounds[i];
            var key = $"{PatrolOptions.Section}:Rounds:{i}";
            errors.RequireTopicSegment($"{key}:Id", round.Id);
            if (round.Id.Length > 0 && (!ids.Add(round.Id) || kinds.ContainsKey(round.Id) || round.Id == PatrolWatch.Source))
            {
                errors.Add($"{key}:Id", $"'{round.Id}' is already the id of another round, an input or the patrol watch");
            }

            if (round.Checkpoints.Count == 0)
            {
                errors.Add($"{key}:Checkpoints", "is required: the ids of the round's checkpoint inputs");
            }

            for (var c = 0; c < round.Checkpoints.Count; c++)
            {
                var checkpoint = round.Checkpoints[c];
                if (!kinds.TryGetValue(checkpoint, out var kind) || kind != EventKind.Checkpoint)
                {
                    errors.Add($"{key}:Checkpoints:{c}", $"'{checkpoint}' is not an input of kind 'checkpoint'");
                }
                else if (round.Checkpoints.IndexOf(checkpoint) != c)
                {
                    errors.Add($"{key}:Checkpoints:{c}", $"'{checkpoint}' is listed twice");
                }
            }

            errors.RequireRange($"{key}:MaxDurationSeconds", round.MaxDurationSeconds, 10, 86_400);
            if (round.EveryHours != 0 && round.Times.Count > 0)
            {
                errors.Add($"{key}:EveryHours", "give either Times or EveryHours, not both");
                continue;
            }

            errors.RequireRange($"{key}:EveryHours", round.EveryHours, 0, 24);
            if (round.EveryHours is < 0 or > 24)
            {
                continue;
            }

            if (PatrolSchedule.TimesOf(round) is not { } times)
            {
                errors.Add($"{key}:Times", round.Times.Count == 0
                    ? "is required (times of day, HH:mm), or give EveryHours"
                    : $"'{string.Join("', '", round.Times)}': each time must be HH:mm or HH:mm:ss (00:00-23:59)");
            }
            else if (times.Distinct().Count() != times.Count)
            {
                errors.Add($"{key}:Times", "a time is listed twice");
            }
            else if (times.Count > 1 && PatrolSchedule.ShortestGap(times) <= TimeSpan.FromSeconds(round.MaxDurationSeconds))
            {
                errors.Add($"{key}:MaxDurationSeconds", $"{round.MaxDurationSeconds} s is not shorter than the {PatrolSchedule.ShortestGap(times).TotalSeconds:0} s between two of the round's times");
            }
        }

        return errors.ToResult();
    }
}
