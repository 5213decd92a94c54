package dev.weft.chaos.lab;

import java.time.Duration;

/**
 * The outcome of a hashed TCP stream.
 *
 * @param sentBytes bytes the sender wrote
 * @param receivedBytes bytes the receiver read before end of stream
 * @param sentSha256 hex SHA-256 of what was sent
 * @param receivedSha256 hex SHA-256 of what was received
 * @param elapsed from connect to the receiver's end of stream
 */
public record StreamResult(
    long sentBytes, long receivedBytes, String sentSha256, String receivedSha256, Duration elapsed) {
  /** Whether everything arrived unaltered. */
  public boolean intact() {
    return sentBytes == receivedBytes && sentSha256.equals(receivedSha256);
  }

  /** This result if intact, otherwise a {@link LabException} with both ends' counts and hashes. */
  public StreamResult requireIntact() {
    if (!intact()) {
      throw new LabException("stream damaged: " + this);
    }
    return this;
  }

  /** Throughput in bits per second. */
  public double bitsPerSecond() {
    return receivedBytes * 8.0 / Math.max(1, elapsed.toNanos()) * 1e9;
  }
}
