package dev.weft.dataplane.wireguard;

/** The device's static key pair and the cookie checker bound to its public key. */
record StaticIdentity(byte[] privateKey, byte[] publicKey, CookieChecker cookieChecker) {

    @Override
    public String toString() {
        return "StaticIdentity[redacted]";
    }
}
