package dev.weft.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code docs/metrics.md} lists exactly the metrics a node registers, each with its type and label. */
class MetricsDocsTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `(weft_[a-z_]+)` \\| (counter|gauge) \\| ([^|]*) \\|");
    private static final Pattern NAME = Pattern.compile("weft_[a-z_]+");

    @Test
    void everyMetricIsDocumentedWithItsTypeAndLabelAndNoOther() throws Exception {
        Set<String> documented = new TreeSet<>();
        Matcher m = ROW.matcher(Files.readString(ROOT.resolve("docs/metrics.md")));
        while (m.find()) {
            String label = m.group(3).strip();
            documented.add(m.group(1) + " " + m.group(2) + " " + (label.equals("—") ? "-" : label.replace("`", "")));
        }
        Set<String> registered = new TreeSet<>();
        for (MetricSet.Definition d : NodeMetrics.definitions()) {
            registered.add(d.name() + " " + d.type() + " " + (d.label() == null ? "-" : d.label()));
        }
        assertEquals(registered, documented);
    }

    @Test
    void namesFollowPrometheusConventions() {
        for (MetricSet.Definition d : NodeMetrics.definitions()) {
            assertTrue(NAME.matcher(d.name()).matches(), d.name());
            assertEquals(d.type().equals("counter"), d.name().endsWith("_total"), d.name() + ": counters and only they end in _total");
            assertTrue(d.help().endsWith("."), d.name() + ": help is a sentence");
        }
    }

    @Test
    void theReadmeAndConfigDocLinkIt() throws Exception {
        assertTrue(Files.readString(ROOT.resolve("docs/config.md")).contains("(metrics.md)"));
    }
}
