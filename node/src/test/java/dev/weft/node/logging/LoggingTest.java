package dev.weft.node.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.node.config.LoggingConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The node's log: System.Logger (what the other modules use) and SLF4J reach it, in text or JSON,
 * at the configured level, changeable at run time; a flood from one logger is cut to a few lines.
 */
class LoggingTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @AfterEach
    void restore() {
        Logging.configure(LoggingConfig.DEFAULT, System.err);
    }

    @Test
    void systemLoggerMessagesArriveInTextAtTheConfiguredLevel() {
        Logging.configure(new LoggingConfig("info", false), out);
        System.Logger log = System.getLogger("weft.test.text");
        log.log(System.Logger.Level.INFO, "joined the mesh through {0}", "192.0.2.1:4242");
        log.log(System.Logger.Level.DEBUG, "not shown at info");
        List<String> lines = lines();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  weft\\.test\\.text: "
                + "joined the mesh through 192\\.0\\.2\\.1:4242"), lines.get(0));

        Logging.setLevel("debug");
        log.log(System.Logger.Level.DEBUG, "shown at debug");
        assertTrue(lines().get(1).endsWith("DEBUG weft.test.text: shown at debug"), lines().toString());
        Logging.setLevel("error");
        LoggerFactory.getLogger("weft.test.text").warn("not shown at error");
        assertEquals(2, lines().size());
        Logging.setLevel("debug");
        LoggerFactory.getLogger("io.netty.test").debug("a library's debug stays out at debug");
        LoggerFactory.getLogger("io.netty.test").info("a library's info is in");
        assertEquals(3, lines().size(), lines().toString());
        Logging.setLevel("trace");
        LoggerFactory.getLogger("io.netty.test").debug("and in at trace");
        assertEquals(4, lines().size(), lines().toString());
    }

    @Test
    void jsonIsOneObjectPerLineWithLevelLoggerAndMessage() throws Exception {
        Logging.configure(new LoggingConfig("info", true), out);
        System.getLogger("weft.test.json").log(System.Logger.Level.WARNING, "state_dir: cannot save \"x\"");
        List<String> lines = lines();
        assertEquals(1, lines.size(), lines.toString());
        JsonNode event = new ObjectMapper().readTree(lines.get(0));
        assertEquals("WARN", event.path("level").asText());
        assertEquals("weft.test.json", event.path("loggerName").asText());
        assertEquals("state_dir: cannot save \"x\"", event.path("formattedMessage").asText());
        assertTrue(event.path("timestamp").asLong() > 0, event.toString());
    }

    @Test
    void aFloodFromOneLoggerIsCutToABurstThenCounted() {
        Logging.configure(new LoggingConfig("info", false), out);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.resetTurboFilterList();
        AtomicLong now = new AtomicLong();
        context.addTurboFilter(new RateLimitFilter(5, 10_000, now::get));
        System.Logger flood = System.getLogger("weft.test.flood");
        System.Logger other = System.getLogger("weft.test.other");
        for (int i = 0; i < 1000; i++) {
            flood.log(System.Logger.Level.WARNING, "junk from 198.51.100." + (i % 250));
        }
        other.log(System.Logger.Level.WARNING, "another logger is not held back");
        flood.log(System.Logger.Level.ERROR, "errors always pass");
        assertEquals(5 + 1 + 1, lines().size(), lines().toString());
        now.addAndGet(10_000);
        flood.log(System.Logger.Level.WARNING, "next window");
        List<String> lines = lines();
        assertTrue(lines.get(7).endsWith("WARN  weft.log: weft.test.flood: 995 more messages were suppressed (at most 5 per 0 s)"),
                lines.get(7));
        assertTrue(lines.get(8).endsWith("weft.test.flood: next window"), lines.get(8));
    }

    private List<String> lines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
