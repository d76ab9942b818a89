using System.Buffers;
using System.Threading.Channels;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Downlink.Commands;
using EdgeGateway.Core.Health;
using EdgeGateway.Core.Uplink;
using EdgeGateway.Mqtt.Connection;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Mqtt.Downlink;

/// <summary>
/// Takes the center's commands off <c>…/cmd</c> and answers on <c>…/cmd/result</c>, or on the command's MQTT 5
/// response topic below it, with its correlation data (Core's <see cref="CommandProcessor"/> decides which, and
/// ignores retained commands). The receive callback only copies and queues (rate-limited, bounded); one loop runs the
/// commands, so a slow or hostile command stream cannot stall the client or the alarm path.
/// </summary>
public sealed class CommandListener : SupervisedLoop
{
    /// <summary>The longest a result waits for a connection and the broker's PUBACK before it is given up.</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    private readonly MqttConnection _connection;
    private readonly DownlinkRouter _router;
    private readonly TopicScheme _topics;
    private readonly CommandProcessor _processor;
    private readonly DownlinkProblems _problems;
    private readonly TimeProvider _time;
    private readonly ILogger<CommandListener> _logger;
    private readonly int _maxPayloadBytes;
    private readonly Channel<ReceivedCommand> _queue;
    private readonly CommandRateLimit _rateLimit;

    public CommandListener(
        MqttConnection connection,
        DownlinkRouter router,
        TopicScheme topics,
        CommandProcessor processor,
        DownlinkProblems problems,
        IOptions<CommandOptions> options,
        TimeProvider time,
        ILogger<CommandListener> logger)
    {
        _connection = connection;
        _router = router;
        _topics = topics;
        _processor = processor;
        _problems = problems;
        _time = time;
        _logger = logger;
        _maxPayloadBytes = options.Value.MaxPayloadBytes;
        _queue = Channel.CreateBounded<ReceivedCommand>(new BoundedChannelOptions(options.Value.QueueCapacity) { SingleReader = true, SingleWriter = true });
        _rateLimit = new CommandRateLimit(options.Value.QueueCapacity, options.Value.MaxPerMinute, time);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _router.Subscribe(_topics.Command, OnCommand);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        await foreach (var command in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                if (await _processor.HandleAsync(command, stoppingToken) is { } reply)
                {
                    await PublishAsync(reply, command.CorrelationData, stoppingToken);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever one command does, the loop goes on with the next.
                Log.CommandFailed(_logger, ex);
            }
        }
    }

    private void OnCommand(MqttApplicationMessage message)
    {
        if (!_rateLimit.TryTake())
        {
            Dropped();
            return;
        }

        // Past the limit only the first bytes are kept: enough for the processor to answer too-large, bounded memory.
        var payload = message.Payload;
        var kept = payload.Length > _maxPayloadBytes ? payload.Slice(0, _maxPayloadBytes + 1).ToArray() : payload.ToArray();
        var received = new ReceivedCommand(kept, message.Retain, message.MessageExpiryInterval, message.ResponseTopic, CorrelationOf(message));
        if (!_queue.Writer.TryWrite(received))
        {
            Dropped();
        }
    }

    // Correlation data is echoed; beyond a command's own size limit it is not kept (nor echoed).
    private byte[]? CorrelationOf(MqttApplicationMessage message) =>
        message.CorrelationData is { Length: > 0 } correlation && correlation.Length <= _maxPayloadBytes ? correlation.ToArray() : null;

    private void Dropped() =>
        _problems.Report(DownlinkProblem.DroppedCommand, $"a command beyond Commands:QueueCapacity or Commands:MaxPerMinute, dropped unanswered");

    private async Task PublishAsync(CommandReply reply, byte[]? correlationData, CancellationToken stoppingToken)
    {
        var (result, topic) = reply;
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(result.Payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithContentType("application/json");
        if (correlationData is { } correlation)
        {
            message.WithCorrelationData(correlation);
        }

        using var timeout = new CancellationTokenSource(PublishTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken);
        try
        {
            var session = await _connection.WaitForSessionAsync(linked.Token);
            var published = await session.Client.PublishAsync(message.Build(), linked.Token);
            if (!published.IsSuccess)
            {
                Log.CommandResultRefused(_logger, result.Id ?? "(unreadable)", topic, published.ReasonCode.ToString());
            }
        }
        catch (Exception ex) when (ex is MqttCommunicationException || (ex is OperationCanceledException && timeout.IsCancellationRequested))
        {
            Log.CommandResultNotSent(_logger, result.Id ?? "(unreadable)", topic, ex.Message);
        }
    }
}
