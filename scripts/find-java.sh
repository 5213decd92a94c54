# Sourced by bin/weft and the scripts: locate a JDK whose version is >= 21.
# Order: JAVA_HOME, then `java` on PATH, then the usual install folders (newest first).

weft_java_settings() { # prints the system properties of the java binary $1 (one JVM start)
  "$1" -XshowSettings:properties -version 2>&1
}

weft_java_major() { # prints the major version of the java binary $1, or of settings given on stdin with $1 = -
  if [[ "$1" == - ]]; then sed -n 's/^ *java.specification.version = //p' | head -1
  else weft_java_settings "$1" | weft_java_major -; fi
}

weft_java_build() { # prints the build (java.runtime.version, e.g. 25.0.3+9-LTS) of the java binary $1, or of stdin with -
  if [[ "$1" == - ]]; then sed -n 's/^ *java.runtime.version = //p' | head -1
  else weft_java_settings "$1" | weft_java_build -; fi
}

weft_select_java() { # sets WEFT_JAVA (a java binary >= 21), WEFT_JAVA_MAJOR and WEFT_JAVA_BUILD, or explains and fails
  local candidates=() c major settings
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for c in $(ls -d /usr/lib/jvm/*/bin/java /opt/java/*/bin/java /usr/local/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do
    candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    [[ -x "$c" ]] || continue
    settings="$(weft_java_settings "$c")"
    major="$(weft_java_major - <<<"$settings")"
    if [[ -n "$major" && "$major" -ge 21 ]]; then
      WEFT_JAVA="$c"
      WEFT_JAVA_MAJOR="$major"
      WEFT_JAVA_BUILD="$(weft_java_build - <<<"$settings")"
      return 0
    fi
  done
  cat >&2 <<'MSG'
weft: no Java 21 or newer found (looked at JAVA_HOME, PATH and /usr/lib/jvm).
Install one, for example on Debian/Ubuntu:  apt-get install openjdk-21-jre-headless
or point JAVA_HOME at an existing JDK >= 21.
MSG
  return 1
}

weft_find_jdk_home() { # prints a JAVA_HOME (with javac) >= 21 for building: the newest one found
  local c home major best="" best_major=0
  for c in ${JAVA_HOME:+"$JAVA_HOME/bin/javac"} /usr/lib/jvm/*/bin/javac /opt/java/*/bin/javac; do
    [[ -x "$c" ]] || continue
    home="$(dirname "$(dirname "$c")")"
    major="$(weft_java_major "$home/bin/java")"
    if [[ -n "$major" && "$major" -ge 21 && "$major" -gt "$best_major" ]]; then
      best="$home"; best_major="$major"
    fi
  done
  if [[ -n "$best" ]]; then
    echo "$best"
    return 0
  fi
  echo "weft: no JDK 21 or newer (with javac) found; install one, e.g. apt-get install openjdk-21-jdk-headless" >&2
  return 1
}

weft_java_opts() { # prints the JVM options weft runs with on Java major $1, one a line (bin/weft, scripts/aot-train)
  # Native access is used for TUN and netlink (jnr-ffi) and Netty's epoll transport; jffi and Kryo
  # still use sun.misc.Unsafe, which JDK 24+ warns about at every start unless allowed.
  printf '%s\n' --enable-native-access=ALL-UNNAMED
  ((${1:-21} >= 24)) && printf '%s\n' --sun-misc-unsafe-memory-access=allow
  # Memory, sized on purpose (dataplane/README.md, "Memory" has the NMT breakdown behind each):
  # - heap: a node keeps a few MB live (peers, members, records) and its per-packet garbage (the
  #   JDK cipher's ~2.2 KB per packet) dies young. The serial collector has no helper threads or
  #   remembered sets; a fixed 6 MB young generation means ~55 short young collections a second at
  #   2 Gb/s (0.6 ms each; a 24 MB one was no cheaper per GB, README "Where the time goes") instead
  #   of an eden that grows with the heap, and the old generation starts at 6 MB
  #   and grows only when something stays (free ratio 10-30 % instead of 40-70 %). 256 MB stays the
  #   cap for large meshes.
  printf '%s\n' -XX:+UseSerialGC -Xms12m -Xmn6m -Xmx256m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30
  # - thread stacks: ~22 threads; 512 KB is reserved each, only the touched pages are resident.
  # - code cache: 6-12 MB are used; the reservation costs address space, not memory.
  printf '%s\n' -Xss512k -XX:ReservedCodeCacheSize=64m
  # - native heap: C2 compiles the hot paths in the first seconds with up to ~28 MB of arenas,
  #   which glibc keeps after they are freed; trimming every 5 s gives them back (~18 MB). A product
  #   flag from JDK 22 (and 21.0.1; 21.0.0 would refuse to start with it).
  ((${1:-21} >= 22)) && printf '%s\n' -XX:TrimNativeHeapInterval=5000
  # - Netty's pooled buffers: 1 MiB chunks instead of 4 MiB (maxOrder 7), so each arena a thread
  #   touches holds 1 MiB rather than 4; a 64 KiB TUN or GRO buffer still comes from a chunk. The
  #   number of arenas stays Netty's (2 per core): an arena no thread allocates from holds nothing,
  #   and fewer would make the event loops of several cores contend for one.
  # - class metadata (~40 MB for ~6,500 classes, mapped from the AOT cache when there is one) is
  #   not capped: it is what the classes need, and a metaspace limit would only turn growth into
  #   an OutOfMemoryError.
  printf '%s\n' -Dio.netty.allocator.maxOrder=7
  # - Netty 4.2 asks JFR whether to emit its buffer events, which loads ~110 classes of jdk.jfr;
  #   weft records no flight recordings by default (-XX:StartFlightRecording still works).
  printf '%s\n' -Dio.netty.jfr.enabled=false
  # - Netty's leak detector samples one buffer in 128 and records where it goes with a new
  #   Throwable (its stack trace filled in), and wraps the sampled buffers, so the packet path sees
  #   two buffer classes: ~2 % of a sending daemon's CPU in the profile, and a slower start phase
  #   (dataplane/README.md, "Where the time goes"). The unit tests check buffer ownership themselves (refCnt after each path);
  #   WEFT_JAVA_OPTS=-Dio.netty.leakDetection.level=simple turns the detector back on.
  printf '%s\n' -Dio.netty.leakDetection.level=disabled
  return 0
}

weft_jvm_identity() { # java binary $1 of build $2 (weft_java_build), as weft.aot.java records it: real path and build, one a line
  # With the build, a JDK upgraded in place (same path) no longer matches the cache its predecessor
  # made: the JVM would refuse that cache with warnings, and start without its profiles.
  readlink -f "$1" && printf '%s\n' "$2"
}

weft_node_java_opts() { # the JVM options weft node adds to weft_java_opts, one a line (bin/weft, scripts/aot-train)
  # The Vector API, still an incubator module in JDK 21-25, for Poly1305's vector lanes (2-3 times as
  # fast as the scalar MAC on an MTU-sized packet, dataplane README "Crypto benchmark"). The JVM says
  # "WARNING: Using incubator modules" once at the start; only the node carries packets, so the other
  # commands go without it (and without the node's AOT cache, which the JVM takes only with the same
  # modules). An incubator module also costs the cache its archived boot layer, so no class is linked
  # ahead of time; with such a cache C2 alone started slower than the compiler tiers, so the node
  # runs the tiers (dataplane README, "Fast start").
  printf '%s\n' --add-modules=jdk.incubator.vector
}
