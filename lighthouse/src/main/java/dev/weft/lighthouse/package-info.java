/** Control protocol, endpoint discovery, hole punching, path selection, relays. */
package dev.weft.lighthouse;
