package dev.weft.chaos.lab;

import java.nio.file.Path;

/** An end host: a namespace with one link. */
public final class Host extends Node {
  Host(Lab lab, String name, Namespace namespace, Path dir) {
    super(lab, name, namespace, dir);
  }

  /** The host's link. */
  public Link link() {
    return links().get(0);
  }
}
