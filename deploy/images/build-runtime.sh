#!/usr/bin/env bash
# Builds the file tree every Courier image starts from (the images have no base image):
#   /opt/java        a Java runtime made by jlink with just the modules the service needs (jdeps)
#   /lib*, /usr/lib* the shared libraries that runtime links against (ldd), nothing else
#   /etc/passwd, /etc/group, /etc/nsswitch.conf   a non-root user "courier" (uid/gid 10001)
#   /tmp             writable by the service user (Kubernetes mounts an emptyDir over it)
# Usage: build-runtime.sh <jdk> <dependency-jars-dir> <output-root>
set -euo pipefail
jdk=$1 deps=$(cd "$2" && pwd) out=$(realpath -m "$3")

[ -x "$jdk/bin/jlink" ] || { echo "build-runtime: no jlink in $jdk (set JAVA_HOME to a JDK 21+)" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out/etc" "$out/tmp"
# Jib expects the module's own (here: empty) class output.
mkdir -p "$(dirname "$out")/classes"
chmod 777 "$out/tmp"

# Modules the service's classes reach, plus ones that are only loaded reflectively or by name: DNS
# through JNDI, Unsafe users, zipfs, the management beans behind Helidon's and Kafka's metrics, and
# the EC provider for ES256 and TLS. jdeps reads the classes unpacked and without module-info:
# given the jars, it stops at modular jars (Helidon's) that require automatic modules it cannot name.
classes="$out.classes"
rm -rf "$classes" && mkdir -p "$classes"
for jar in "$deps"/*.jar; do
  (cd "$classes" && unzip -q -o "$jar" -x 'module-info.class' 'META-INF/*' 2>/dev/null || true)
done
found=$("$jdk/bin/jdeps" --ignore-missing-deps --print-module-deps -q "$classes")
[ -n "$found" ] || { echo "build-runtime: jdeps found no modules in $deps" >&2; exit 1; }
rm -rf "$classes"
modules=$(echo "$found,jdk.unsupported,jdk.naming.dns,jdk.zipfs,jdk.management,java.management,jdk.crypto.ec,jdk.localedata" \
  | tr ',' '\n' | sort -u | paste -sd, -)
echo "build-runtime: modules $modules"

# The four services mostly need the same modules: a runtime is linked once per module set and JDK
# and reused from deploy/images/target/runtime-cache.
key=$( (echo "$modules"; "$jdk/bin/java" -version 2>&1) | sha1sum | cut -c1-16)
cache="$(cd "$(dirname "$0")" && pwd)/target/runtime-cache/$key"
if [ -d "$cache" ]; then
  echo "build-runtime: reusing the runtime in $cache"
  mkdir -p "$out/opt"
  cp -a "$cache" "$out/opt/java"
else
  # Smaller still: the desktop's native libraries left out. java.desktop comes in for java.beans
  # (YAML and JSON mappers); a server never opens a window, plays a sound or renders a font, so
  # without these libraries it also needs no X11 or ALSA libraries.
  "$jdk/bin/jlink" --add-modules "$modules" --include-locales=en \
    --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
    --exclude-files='**/libawt_xawt.so,**/libsplashscreen.so,**/libjsound.so,**/libfontmanager.so,**/libfreetype.so,**/liblcms.so,**/libjavajpeg.so' \
    --output "$out/opt/java"
  # Symbol tables are not needed to run (libjvm.so: 30 -> 25 MB); Temurin ships them unstripped.
  if command -v strip >/dev/null; then
    find "$out/opt/java" -name '*.so' -exec strip --strip-unneeded {} +
  fi
  mkdir -p "$(dirname "$cache")"
  rm -rf "$cache.tmp" && cp -a "$out/opt/java" "$cache.tmp" && mv "$cache.tmp" "$cache"
fi

# Shared libraries of every executable and library of the runtime, copied to the path the loader
# uses (the dynamic loader itself included), with symlinks resolved.
libs=$(find "$out/opt/java" -type f \( -name '*.so' -o -perm -u+x \) -print0 | xargs -0 ldd 2>/dev/null \
  | grep -oE '(/[^ ]+\.so[^ ]*)' | grep -v "^$out" | sort -u)
# glibc loads libgcc_s on its own when a thread is cancelled; ldd cannot see that.
gcc_s=$(ldconfig -p | awk '/libgcc_s.so.1 .*x86-64/ {print $NF; exit}')
for lib in $libs $gcc_s; do
  case "$lib" in "$jdk"*) continue ;; esac
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done

cat > "$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
courier:x:10001:10001:Courier service:/tmp:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
PASSWD
cat > "$out/etc/group" <<'GROUP'
root:x:0:
courier:x:10001:
nogroup:x:65534:
GROUP
echo "hosts: files dns" > "$out/etc/nsswitch.conf"
echo "build-runtime: $(du -sh "$out" | cut -f1) in $out"
