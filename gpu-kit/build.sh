#!/usr/bin/env bash
# Builds the GPU check kit (gpu-kit/README.md): everything the check needs on a bare Linux x86-64 machine
# with an OpenCL driver and nothing else -- a jlink'ed Java runtime, the check's jars, Debian's Khronos ICD
# loader, an ICD file for NVIDIA's driver and run.sh -- in one folder, gpu-kit/target/kit, of at most 60 MiB.
#
#   gpu-kit/build.sh [--jdk DIR] [--skip-maven]
#
# --jdk DIR      the JDK whose modules make the runtime (default: $FASTNN_KIT_JDK, else Temurin 25 at
#                /usr/lib/jvm/temurin-25-jdk-amd64 when present -- built for old glibc, links from its own
#                image without jmods -- else the JDK that runs Maven)
# --skip-maven   take the jars from an earlier `mvn package` instead of building them
# Needs: Maven and a JDK (17+), apt-get and dpkg (Debian or Ubuntu) for the ICD loader; the network for
# Maven's and apt's downloads unless they are cached.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
kit=$here/target/kit
limit_mib=60
modules=java.base,java.logging,java.management,jdk.incubator.vector

fail() {
  echo "gpu-kit/build.sh: $*" >&2
  exit 1
}

jdk=${FASTNN_KIT_JDK:-}
skip_maven=false
while [ $# -gt 0 ]; do
  case "$1" in
    --jdk) [ $# -ge 2 ] || { echo "gpu-kit/build.sh: --jdk needs a folder" >&2; exit 2; }; jdk=$2; shift 2 ;;
    --skip-maven) skip_maven=true; shift ;;
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu-kit/build.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
if [ -z "$jdk" ]; then
  if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/jlink ]; then
    jdk=/usr/lib/jvm/temurin-25-jdk-amd64
  elif [ -n "${JAVA_HOME:-}" ]; then
    jdk=$JAVA_HOME
  else
    javac=$(command -v javac) || fail "no JDK found: give --jdk DIR or set JAVA_HOME"
    jdk=$(dirname "$(dirname "$(readlink -f "$javac")")")
  fi
fi
[ -x "$jdk/bin/jlink" ] || fail "$jdk has no bin/jlink: give a full JDK with --jdk DIR"
feature=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[ -n "$feature" ] && [ "$feature" -ge 17 ] || fail "$jdk is Java '$feature'; the kit needs 17 or newer"
if [ ! -d "$jdk/jmods" ] && { [ "$feature" -lt 24 ] || ! "$jdk/bin/jlink" --help 2>&1 | grep -q 'Linking from run-time image enabled'; }; then
  fail "$jdk has no jmods folder and cannot link from its own run-time image: install its jmods (on Debian: openjdk-$feature-jmods, or openjdk-$feature-jdk-headless where it carries them) or give another JDK with --jdk"
fi

# ---------------------------------------------------------------- the check's jars
if ! $skip_maven; then
  echo "gpu-kit/build.sh: building the check (mvn package -pl gpu-kit -am)"
  # copy-dependencies adds to the folder; an old version of a jar left there would join the class path.
  rm -rf "$here/target/kit-lib"
  (cd "$root" && mvn -B -q -pl gpu-kit -am package -DskipTests)
fi
check_jar=$(ls "$here"/target/fastnn-gpu-kit-*.jar 2>/dev/null | head -1)
[ -n "$check_jar" ] && [ -d "$here/target/kit-lib" ] || fail "no gpu-kit/target/fastnn-gpu-kit-*.jar or target/kit-lib: run without --skip-maven"

staging=$here/target/kit.partial
rm -rf "$staging"
mkdir -p "$staging/lib" "$staging/opencl/lib" "$staging/opencl/vendors" "$staging/licenses"
cp "$check_jar" "$staging/lib/"
for jar in "$here"/target/kit-lib/*.jar; do
  case "$(basename "$jar")" in
    aparapi-jni-*)
      # 19 MB of natives for six platforms; the kit runs on Linux x86-64 only. NativeLoader extracts
      # /linux/libaparapi_x86_64.so from the class path into java.io.tmpdir at run time.
      unpacked=$here/target/aparapi-jni
      rm -rf "$unpacked" && mkdir -p "$unpacked"
      (cd "$unpacked" && "$jdk/bin/jar" xf "$jar" com linux/libaparapi_x86_64.so)
      [ -f "$unpacked/linux/libaparapi_x86_64.so" ] || fail "$jar has no linux/libaparapi_x86_64.so"
      "$jdk/bin/jar" --create --file "$staging/lib/$(basename "$jar" .jar)-linux-x86_64.jar" -C "$unpacked" com -C "$unpacked" linux
      ;;
    *) cp "$jar" "$staging/lib/" ;;
  esac
done
if ls "$staging/lib" | grep -Ei 'jfree|spark|scala'; then
  fail "the kit must hold no charting, Spark or Scala jars (found the ones above)"
fi

# ---------------------------------------------------------------- the Java runtime
echo "gpu-kit/build.sh: linking a runtime of $modules from $jdk (Java $feature)"
if [ "$feature" -ge 21 ]; then compress=zip-9; else compress=2; fi
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress="$compress" --output "$staging/runtime"

# ---------------------------------------------------------------- the OpenCL ICD loader
# Debian's ocl-icd (the loader PoCL's CI run uses too), fetched as a package file and unpacked, never installed.
debs=$here/target/debs
mkdir -p "$debs"
deb=${FASTNN_KIT_OCL_DEB:-}
if [ -z "$deb" ]; then
  if ! (cd "$debs" && apt-get download -q ocl-icd-libopencl1 >"$debs/apt.log" 2>&1); then
    echo "gpu-kit/build.sh: apt-get download ocl-icd-libopencl1 failed (see $debs/apt.log); trying a copy from an earlier build" >&2
  fi
  deb=$(ls -t "$debs"/ocl-icd-libopencl1_*_amd64.deb 2>/dev/null | head -1)
  [ -n "$deb" ] || fail "no ocl-icd-libopencl1 package: apt-get download failed ($debs/apt.log) and none is cached; set FASTNN_KIT_OCL_DEB=FILE.deb"
fi
unpacked=$here/target/ocl-icd
rm -rf "$unpacked"
dpkg -x "$deb" "$unpacked"
loader=$(ls "$unpacked"/usr/lib/x86_64-linux-gnu/libOpenCL.so.1.* 2>/dev/null | head -1)
[ -n "$loader" ] || fail "$deb holds no usr/lib/x86_64-linux-gnu/libOpenCL.so.1.*"
# A plain file, not a link: the kit may travel through tools that keep links as links.
cp "$loader" "$staging/opencl/lib/libOpenCL.so.1"
cp "$unpacked/usr/share/doc/ocl-icd-libopencl1/copyright" "$staging/licenses/ocl-icd-libopencl1.copyright"
cp "$here/opencl/nvidia.icd" "$staging/opencl/vendors/"

# ---------------------------------------------------------------- scripts, facts, size
cp "$here/run.sh" "$here/README.md" "$staging/"
chmod +x "$staging/run.sh"
{
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) from $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "runtime: $("$staging/runtime/bin/java" -version 2>&1 | sed -n 2p) ($modules)"
  echo "OpenCL loader: $(basename "$deb")"
  echo "jars: $(cd "$staging/lib" && echo *.jar)"
} >"$staging/BUILD-INFO"
bytes=$(du -sb "$staging" | cut -f1)
mib=$(( (bytes + 1048575) / 1048576 ))
if [ "$bytes" -gt $((limit_mib * 1048576)) ]; then
  fail "the kit is $mib MiB, over its limit of $limit_mib MiB (it must travel with the checkout in 64 MiB)"
fi
echo "size: $mib MiB ($bytes bytes; limit $limit_mib MiB)" >>"$staging/BUILD-INFO"
rm -rf "$kit"
mv "$staging" "$kit"
echo "gpu-kit/build.sh: kit ready in ${kit#"$root"/}: $mib MiB (limit $limit_mib MiB)"
