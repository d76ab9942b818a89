// Each test starts its own Mosquitto(s) and gateway processes; on a 2-core machine running them side by side
// turns timing into noise (keepalive and PUBACK timeouts fire from CPU starvation), so they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
