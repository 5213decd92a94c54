package dev.weft.lighthouse.relays;

/** A relay control message that does not decode. */
final class RelayFormatException extends Exception {
    RelayFormatException(String message) {
        super(message);
    }
}
