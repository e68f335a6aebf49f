# Sourced by the launcher, run-tests and .ci/run: finds JDK 25 (or newer) and Maven, exports
# JAVA_HOME and puts its java first on PATH. The machine's default java may be older (Debian 12: 17).
# Order: $JAVA_HOME, then /usr/lib/jvm/*25* (Temurin and Debian packages), then any /usr/lib/jvm/*,
# then the java on PATH.

xdp_java_feature() { # prints the feature release of a JDK home (17, 21, 25...), or nothing
    [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
    "$1/bin/java" -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

xdp_find_jdk() {
    local c v
    for c in "${JAVA_HOME:-}" /usr/lib/jvm/*25* /usr/lib/jvm/* \
             "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null)" 2>/dev/null)")" 2>/dev/null)"; do
        [ -n "$c" ] && [ -d "$c" ] || continue
        v=$(xdp_java_feature "$c")
        if [ -n "$v" ] && [ "$v" -ge 25 ]; then
            echo "$c"
            return 0
        fi
    done
    return 1
}

if ! XDP_JDK=$(xdp_find_jdk); then
    echo "xdppacket needs a JDK 25 (or newer) and found none: JAVA_HOME=${JAVA_HOME:-unset}," >&2
    echo "nothing suitable in /usr/lib/jvm, and 'java' on PATH is $(java -version 2>&1 | head -1 || echo missing)." >&2
    echo "Install one (Debian/Ubuntu: the Adoptium repository's temurin-25-jdk) or set JAVA_HOME to it." >&2
    exit 3
fi
export JAVA_HOME="$XDP_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
# Maven 3.8 on JDK 25 warns about sun.misc.Unsafe in its own guava; that is Maven's, not ours.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

if ! command -v mvn >/dev/null 2>&1; then
    echo "xdppacket builds with Maven and 'mvn' is not on PATH (Debian/Ubuntu: apt-get install maven)." >&2
    exit 3
fi
