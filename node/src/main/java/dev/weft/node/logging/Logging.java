package dev.weft.node.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.weft.node.config.LoggingConfig;
import java.io.OutputStream;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The node's log: SLF4J with logback, on stderr. {@code System.Logger}, which the other modules
 * use, reaches it through SLF4J's platform-logging bridge; dnsjava and Netty log through SLF4J.
 * Configured in code from {@code logging:} rather than from a logback.xml, so that the one
 * configuration file of a node is its YAML.
 */
public final class Logging {
    /** Messages per logger per window before the rest are only counted. */
    static final int BURST = 20;
    static final long WINDOW_NANOS = 10_000_000_000L;
    private static final String TEXT = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level %logger: %msg%n%ex{8}";

    private Logging() {
    }

    /** Sends every log event to {@code out} (stderr for a node) in the configured format and level. */
    public static void configure(LoggingConfig config, OutputStream out) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        context.addTurboFilter(new RateLimitFilter(BURST, WINDOW_NANOS, System::nanoTime));
        Encoder<ILoggingEvent> encoder;
        if (config.json()) {
            JsonEncoder json = new JsonEncoder();
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithArguments(false);
            json.setWithMessage(false); // the formatted message is enough
            json.setWithFormattedMessage(true);
            encoder = json;
        } else {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setPattern(TEXT);
            encoder = text;
        }
        encoder.setContext(context);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName("weft");
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.setImmediateFlush(true);
        appender.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        // The JDK logs every System.exit with a stack trace at debug: noise in a node's debug log.
        context.getLogger("java.lang.Runtime").setLevel(Level.INFO);
        setLevel(config.level());
    }

    /**
     * Changes the level of every logger at once ({@code logging.level} on reload). {@code debug}
     * is weft's own debug output; the libraries (Netty, dnsjava) stay at info unless {@code trace}.
     */
    public static void setLevel(String level) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Level weft = Level.toLevel(level.toUpperCase(Locale.ROOT), Level.INFO);
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(weft == Level.DEBUG ? Level.INFO : weft);
        context.getLogger("weft").setLevel(weft);
        context.getLogger("dev.weft").setLevel(weft);
    }
}
