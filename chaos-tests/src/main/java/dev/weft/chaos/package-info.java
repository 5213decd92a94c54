/** The network-namespace lab. */
package dev.weft.chaos;
