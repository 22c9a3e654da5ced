# Sourced by ./forewarm and ./mvnw (POSIX sh): exports JAVA_HOME as a JDK >= 21, or says what to install and
# exits. Lookup order: $JAVA_HOME, `java` on the PATH, then /usr/lib/jvm/* (newest first).

forewarm_java_major() { # the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1
}

forewarm_find_jdk() {
  on_path=""
  if command -v java >/dev/null 2>&1; then
    on_path="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  fi
  for home in "${JAVA_HOME:-}" "$on_path" $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    home="${home%/}"
    if [ -n "$home" ] && [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ]; then
      v="$(forewarm_java_major "$home/bin/java")"
      v="${v%%.*}"
      if [ -n "$v" ] && [ "$v" -ge 21 ]; then
        echo "$home"
        return 0
      fi
    fi
  done
  return 1
}

if JAVA_HOME="$(forewarm_find_jdk)"; then
  export JAVA_HOME
else
  echo "forewarm: needs a JDK 21 or newer (java and javac). Install one, e.g. 'apt-get install openjdk-21-jdk'" >&2
  echo "          or Temurin 21+ from https://adoptium.net, then set JAVA_HOME to it." >&2
  exit 1
fi
