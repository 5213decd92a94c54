package dev.weft.chaos.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What {@code bin/weft} loads at start (class metadata is most of a node's memory): logging is
 * configured in code, so neither the JDK's XML parser nor logback's Joran is loaded.
 */
class StartupClassesTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  @Test
  void noXmlParserAndNoJoranAtStart() throws Exception {
    assumeTrue(Files.exists(ROOT.resolve("node/target/weft.jar")), "node/target/weft.jar is not built: run scripts/build");
    ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("bin/weft").toString(), "version")
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("WEFT_AOT_CACHE", ""); // every class loaded from the jar or the JDK is logged
    pb.environment().put("WEFT_JAVA_OPTS", "-Xlog:class+load=info");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue());
    assertTrue(out.contains("ch.qos.logback.classic.LoggerContext"), "class loading is logged");
    // (logback names JoranException in its start-up and ConsoleAppender uses an enum of joran.spi; the configurators,
    // the model and the XML parser are what a logback.xml would bring)
    List<String> xml = out.lines()
        .filter(l -> l.contains(" com.sun.org.apache.xerces.") || l.contains(" javax.xml.parsers.")
            || l.contains("JoranConfigurator") || l.contains("XMLConfigurator") || l.contains(" ch.qos.logback.core.model."))
        .toList();
    assertEquals(List.of(), xml.stream().limit(5).toList(), xml.size() + " XML or Joran classes loaded");
  }
}
