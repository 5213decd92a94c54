package dev.weft.ip;

/**
 * Text or bytes that are not a valid {@link IpPrefix}. The message names the input and what is
 * wrong with it, so callers can show it to a user as it is.
 */
public final class IpPrefixException extends IllegalArgumentException {

  IpPrefixException(String message) {
    super(message);
  }
}
