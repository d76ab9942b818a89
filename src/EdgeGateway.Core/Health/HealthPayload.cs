using System.Text.Json;
using EdgeGateway.Core.Downlink;
using EdgeGateway.Core.Downlink.Commands;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Uplink;

namespace EdgeGateway.Core.Health;

/// <summary>The retained <c>health</c> message (docs/mqtt-contract.md, "Health").</summary>
public static class HealthPayload
{
    public const int Version = 1;

    /// <summary><c>"proven":{"office-panic":{"at":…,"roundTripMs":…},…}</c>; absent without alarm inputs.</summary>
    private static void WriteProven(Utf8JsonWriter json, IReadOnlyList<InputProof> proven)
    {
        if (proven.Count == 0)
        {
            return;
        }

        json.WriteStartObject("proven");
        foreach (var proof in proven)
        {
            json.WriteStartObject(proof.Input);
            if (proof.At is { } at)
            {
                json.WriteString("at", EventPayload.FormatTimestamp(at));
            }
            else
            {
                json.WriteNull("at");
            }

            WriteNumberOrNull(json, "roundTripMs", proof.RoundTripMs);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    public static byte[] Serialize(HealthSnapshot health)
    {
        ArgumentNullException.ThrowIfNull(health);
        return StatusPayload.Write(json =>
        {
            json.WriteNumber("v", Version);
            json.WriteString("boot", health.BootId);
            json.WriteString("ts", EventPayload.FormatTimestamp(health.Timestamp));
            json.WriteBoolean("synced", health.ClockSynced);
            json.WriteNumber("uptimeSeconds", (long)health.Uptime.TotalSeconds);
            json.WriteNumber("lastSeq", health.LastSeq);
            json.WriteStartObject("outbox");
            WriteLane(json, TopicScheme.AlarmLeaf, health.Alarm);
            WriteLane(json, TopicScheme.EventLeaf, health.Event);
            WriteLane(json, TopicScheme.TelemetryLeaf, health.Telemetry);
            json.WriteEndObject();
            json.WriteStartObject("dropped");
            json.WriteNumber("event", health.Dropped.Event);
            json.WriteNumber("telemetry", health.Dropped.Telemetry);
            json.WriteEndObject();
            json.WriteNumber("setAside", health.SetAside);
            json.WriteString("broker", health.Broker);
            json.WriteNumber("reconnects", health.Reconnects);
            json.WriteNumber("awaitingAck", health.AwaitingAck);
            WriteNumberOrNull(json, "lastAckLatencyMs", health.LastAckLatency is { } latency ? (long)latency.TotalMilliseconds : null);
            WriteNumberOrNull(json, "diskFreeBytes", health.DiskFreeBytes);
            WriteNumberOrNull(json, "cpuTemperatureC", health.CpuTemperatureC is { } temperature ? Math.Round(temperature, 1) : null);
            if (health.UnderVoltage is { } underVoltage)
            {
                json.WriteBoolean("underVoltage", underVoltage);
            }
            else
            {
                json.WriteNull("underVoltage");
            }

            json.WriteBoolean("testMode", health.TestMode);
            WriteTestMode(json, health.TestModeDetail);
            WriteDownlink(json, health.Downlink);
            WriteProven(json, health.Proven);
            // Absent only where nothing is supervised (a part of the gateway composed on its own, as in edge-fleet).
            if (health.Loops.Count > 0)
            {
                json.WriteStartObject("loops");
                foreach (var loop in health.Loops)
                {
                    WriteLoop(json, loop);
                }

                json.WriteEndObject();
            }
        });
    }

    private static void WriteTestMode(Utf8JsonWriter json, TestModeState? test)
    {
        WriteTimestampOrNull(json, "testModeSince", test?.Since);
        WriteTimestampOrNull(json, "testModeUntil", test?.Until);
        if (test?.Inputs is { } inputs)
        {
            WriteIds(json, "testModeInputs", inputs);
        }
        else
        {
            // Off, or on for every input and sensor.
            json.WriteNull("testModeInputs");
        }

        WriteIds(json, "testModeReleased", test?.Released ?? new HashSet<string>());
    }

    private static void WriteIds(Utf8JsonWriter json, string name, IReadOnlySet<string> ids)
    {
        json.WriteStartArray(name);
        foreach (var id in ids.Order(StringComparer.Ordinal))
        {
            json.WriteStringValue(id);
        }

        json.WriteEndArray();
    }

    private static void WriteTimestampOrNull(Utf8JsonWriter json, string name, DateTimeOffset? value)
    {
        if (value is { } timestamp)
        {
            json.WriteString(name, EventPayload.FormatTimestamp(timestamp));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteDownlink(Utf8JsonWriter json, DownlinkCounts counts)
    {
        json.WriteStartObject("downlink");
        json.WriteNumber("unknownAcks", counts.UnknownAcks);
        json.WriteNumber("malformedAcks", counts.MalformedAcks);
        json.WriteNumber("unknownCommands", counts.UnknownCommands);
        json.WriteNumber("malformedCommands", counts.MalformedCommands);
        json.WriteNumber("retainedCommands", counts.RetainedCommands);
        json.WriteNumber("foreignResponseTopics", counts.ForeignResponseTopics);
        json.WriteNumber("droppedCommands", counts.DroppedCommands);
        json.WriteEndObject();
    }

    private static void WriteLoop(Utf8JsonWriter json, LoopStatus loop)
    {
        json.WriteStartObject(loop.Name);
        json.WriteString("state", loop.State);
        json.WriteNumber("restarts", loop.Restarts);
        json.WriteNumber("failuresInARow", loop.FailuresInARow);
        if (loop.LastError is { } error)
        {
            json.WriteString("lastError", error);
            json.WriteString("lastErrorTs", EventPayload.FormatTimestamp(loop.LastErrorAt!.Value));
        }
        else
        {
            json.WriteNull("lastError");
            json.WriteNull("lastErrorTs");
        }

        json.WriteEndObject();
    }

    private static void WriteLane(Utf8JsonWriter json, string name, LaneHealth lane)
    {
        json.WriteStartObject(name);
        json.WriteNumber("depth", lane.Depth);
        // Tenths of a second: finer says nothing about a queue.
        WriteNumberOrNull(json, "oldestAgeSeconds", lane.OldestAge is { } age ? Math.Round(age.TotalSeconds, 1) : null);
        json.WriteEndObject();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
