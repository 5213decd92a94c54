package dev.weft.chaos.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** A failing lab test gets its processes' logs in its error, and its lab is cleaned up anyway. */
@RequiresLab
class LabExtensionTest {

  /** Run only through the test kit below (Surefire skips nested classes). */
  @RequiresLab
  static class FailingScenario {
    @Test
    void failsAfterStartingAProcess(Lab lab) {
      Host h = lab.host("h", lab.internet());
      LabProcess p = h.start("chatty", "sh", "-c", "echo marker-on-stdout; echo marker-on-stderr >&2; exec sleep 600");
      p.awaitError("marker-on-stderr", Duration.ofSeconds(10));
      throw new AssertionError("deliberate failure");
    }
  }

  @Test
  void failureCarriesProcessLogsAndTheLabIsClosed() {
    Events failed =
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(FailingScenario.class)).execute().testEvents()
            .failed();
    assertEquals(1, failed.count());
    Throwable error =
        failed.stream().findFirst().orElseThrow().getRequiredPayload(TestExecutionResult.class).getThrowable()
            .orElseThrow();
    assertEquals("deliberate failure", error.getMessage());
    String report = Arrays.stream(error.getSuppressed()).map(Throwable::getMessage).reduce("", String::concat);
    assertTrue(report.contains("marker-on-stdout") && report.contains("marker-on-stderr"), report);
    assertTrue(report.contains("host h"), report);
    String mine = Leftovers.PREFIX + ProcessHandle.current().pid() + "-";
    assertTrue(Leftovers.labNamespaces().stream().noneMatch(n -> n.startsWith(mine)), Leftovers.labNamespaces().toString());
  }
}
