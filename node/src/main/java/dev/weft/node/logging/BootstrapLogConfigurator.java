package dev.weft.node.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * The log before a node configures its own from {@code logging:} (and for every other weft
 * command): warnings and errors on stderr, so that libraries' debug output never mixes with a
 * command's own. Found by logback through {@code META-INF/services}; in code rather than in a
 * logback.xml because reading XML loads the JDK's XML parser and logback's Joran, ~400 classes
 * (about 2 MB of class metadata and part of every start) that weft needs for nothing else.
 */
public final class BootstrapLogConfigurator extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%-5level %logger: %msg%n%ex{8}";

    /** For {@link java.util.ServiceLoader}. */
    public BootstrapLogConfigurator() {
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
