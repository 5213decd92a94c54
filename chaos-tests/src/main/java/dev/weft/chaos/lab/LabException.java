package dev.weft.chaos.lab;

/** A lab operation failed: a command exited non-zero, a check missed its deadline, or the topology is invalid. */
public class LabException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}. */
  public LabException(String message) {
    super(message);
  }

  /** A failure described by {@code message}, caused by {@code cause}. */
  public LabException(String message, Throwable cause) {
    super(message, cause);
  }
}
