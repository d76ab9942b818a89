using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace EdgeGateway.Mqtt.Connection;

/// <summary>
/// Retries a connect forever with capped, jittered exponential backoff (MQTTnet 5 has no managed client); the jitter
/// keeps a campus of gateways from reconnecting in lockstep after a broker restart.
/// </summary>
internal static class ReconnectPolicy
{
    public static ResiliencePipeline Build(MqttOptions options, TimeProvider time, ILogger logger) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(options.ReconnectDelayMs),
                MaxDelay = TimeSpan.FromSeconds(options.ReconnectMaxDelaySeconds),
                OnRetry = args =>
                {
                    Log.ConnectFailed(logger, options.Host, options.Port, args.AttemptNumber + 1, (long)args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message ?? "");
                    return default;
                },
            })
            .Build();
}
