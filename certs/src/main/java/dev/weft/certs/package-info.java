/** Keys, certificates, the CA tool, verification and revocation. */
package dev.weft.certs;
