package dev.weft.node.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Registers metrics whose values are read when Prometheus scrapes: the counters live in the
 * dataplane, the mesh and the DNS server, so nothing is counted twice and a scrape costs nothing
 * between scrapes. Each metric is one call; a labelled one reads a map whose keys are a fixed,
 * small set (an enum's names), never member names, so series stay bounded at any mesh size.
 */
final class MetricSet {
    /** What was registered, as docs/metrics.md lists it: the exposed name, counter or gauge, and the label (or null). */
    record Definition(String name, String type, String label, String help) {}

    private final PrometheusRegistry registry;
    private final List<Definition> definitions = new ArrayList<>();

    MetricSet(PrometheusRegistry registry) {
        this.registry = registry;
    }

    List<Definition> definitions() {
        return List.copyOf(definitions);
    }

    /** A counter without labels; {@code name} ends in {@code _total}, as exposed. */
    void counter(String name, String help, LongSupplier value) {
        definitions.add(new Definition(name, "counter", null, help));
        CounterWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.getAsLong()))
                .register(registry);
    }

    /** A counter with one label; every key of the map is one series. */
    void counter(String name, String help, String label, Supplier<Map<String, Long>> values) {
        definitions.add(new Definition(name, "counter", label, help));
        CounterWithCallback.builder().name(name).help(help).labelNames(label)
                .callback(cb -> values.get().forEach((k, v) -> cb.call(v, k)))
                .register(registry);
    }

    /** A gauge without labels. */
    void gauge(String name, String help, LongSupplier value) {
        definitions.add(new Definition(name, "gauge", null, help));
        GaugeWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.getAsLong()))
                .register(registry);
    }

    /** A gauge with one label; every key of the map is one series. */
    void gauge(String name, String help, String label, Supplier<Map<String, Long>> values) {
        definitions.add(new Definition(name, "gauge", label, help));
        GaugeWithCallback.builder().name(name).help(help).labelNames(label)
                .callback(cb -> values.get().forEach((k, v) -> cb.call(v, k)))
                .register(registry);
    }
}
