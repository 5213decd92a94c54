# Sourced by bin/weft and the scripts: locate a JDK whose version is >= 21.
# Order: JAVA_HOME, then `java` on PATH, then the usual install folders (newest first).

weft_java_major() { # prints the major version of the java binary $1
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1
}

weft_select_java() { # sets WEFT_JAVA (a java binary >= 21) and WEFT_JAVA_MAJOR, or explains and fails
  local candidates=() c major
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for c in $(ls -d /usr/lib/jvm/*/bin/java /opt/java/*/bin/java /usr/local/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do
    candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    [[ -x "$c" ]] || continue
    major="$(weft_java_major "$c")"
    if [[ -n "$major" && "$major" -ge 21 ]]; then
      WEFT_JAVA="$c"
      WEFT_JAVA_MAJOR="$major"
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
