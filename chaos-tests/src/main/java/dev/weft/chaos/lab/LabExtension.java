package dev.weft.chaos.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/** The JUnit 5 side of {@link RequiresLab}: skip without privileges, inject and close labs, report logs. */
public final class LabExtension implements ExecutionCondition, ParameterResolver, TestExecutionExceptionHandler {
  private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(LabExtension.class);
  private static final int LOG_LINES = 80;

  /** Called by JUnit. */
  public LabExtension() {}

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    String reason =
        context.getRoot().getStore(STORE).getOrComputeIfAbsent("unavailable", k -> whyUnavailable(), String.class);
    return reason.isEmpty()
        ? ConditionEvaluationResult.enabled("lab available")
        : ConditionEvaluationResult.disabled("lab unavailable: " + reason);
  }

  /** Empty when the lab can run here; otherwise the reason in one line. */
  static String whyUnavailable() {
    try {
      String status = Files.readString(Path.of("/proc/self/status"));
      if (!status.lines().anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[1].equals("0"))) {
        return "the lab needs root (network namespaces, nftables)";
      }
    } catch (IOException e) {
      return "cannot read /proc/self/status: " + e.getMessage();
    }
    String probe = Leftovers.PREFIX + ProcessHandle.current().pid() + "-probe-ns";
    try {
      ExecResult add = Shell.run(List.of("ip", "netns", "add", probe));
      if (!add.ok()) {
        return "cannot create a network namespace: " + add.stderr().strip();
      }
      ExecResult nft =
          Shell.run(List.of("ip", "netns", "exec", probe, "nft", "list", "ruleset"), null, Shell.DEFAULT_TIMEOUT);
      if (!nft.ok()) {
        return "nftables does not work in a namespace: " + nft.stderr().strip();
      }
      return "";
    } catch (LabException e) {
      return e.getMessage().lines().findFirst().orElse("ip failed");
    } finally {
      Shell.run(List.of("ip", "netns", "del", probe));
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Lab.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Lab lab = Lab.create();
    context.getStore(STORE).put(lab.runId(), (ExtensionContext.Store.CloseableResource) lab::close);
    context.getStore(STORE).put("lab", lab);
    return lab;
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
    Lab lab = context.getStore(STORE).get("lab", Lab.class);
    if (lab != null) {
      String logs = lab.processLogs(LOG_LINES);
      String report = lab + (logs.isEmpty() ? "(no processes)\n" : logs);
      System.err.println("=== lab report for " + context.getDisplayName() + "\n" + report);
      throwable.addSuppressed(new LabReport(report));
    }
    throw throwable;
  }

  /** Carries a lab's topology and process logs into a failed test's report. */
  static final class LabReport extends Exception {
    private static final long serialVersionUID = 1L;

    LabReport(String report) {
      super("lab report\n" + report, null, false, false);
    }
  }
}
