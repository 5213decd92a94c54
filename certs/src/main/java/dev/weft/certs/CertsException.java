package dev.weft.certs;

/**
 * A refusal or failure with a one-line reason meant for the user: a bad input, a certificate that
 * does not verify, a constraint the CA does not allow. The message never contains key material.
 */
public class CertsException extends Exception {
  private static final long serialVersionUID = 1L;

  public CertsException(String reason) {
    super(reason);
  }

  public CertsException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
