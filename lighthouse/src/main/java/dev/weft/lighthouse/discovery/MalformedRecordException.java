package dev.weft.lighthouse.discovery;

/** A node record that does not decode: it is ignored, and the member keeps its previous one. */
public final class MalformedRecordException extends Exception {
  public MalformedRecordException(String reason) {
    super(reason, null, false, false);
  }
}
