package dev.weft.chaos.lab;

import java.util.List;

/**
 * The outcome of a command that ran to completion.
 *
 * @param command the command line
 * @param exitCode its exit status
 * @param stdout everything it wrote to standard output
 * @param stderr everything it wrote to standard error
 */
public record ExecResult(List<String> command, int exitCode, String stdout, String stderr) {
  /** Whether the command exited with status 0. */
  public boolean ok() {
    return exitCode == 0;
  }

  /** This result when the command succeeded; otherwise a {@link LabException} naming the command and its stderr. */
  public ExecResult requireOk() {
    if (!ok()) {
      throw new LabException(
          "command failed (exit " + exitCode + "): " + String.join(" ", command) + "\n" + stderr.strip());
    }
    return this;
  }
}
