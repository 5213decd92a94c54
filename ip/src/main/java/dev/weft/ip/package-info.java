/** IP prefixes: one value type for certificates, routes, allowed IPs and the config. */
package dev.weft.ip;
