#!/usr/bin/env bash
# The fastnn GPU check, run from the kit (see README.md beside this file). Needs nothing but the kit and a
# Linux x86-64 machine with an OpenCL driver: no Java, no Maven, no network.
#
#   bash run.sh [--sizes auto|quick|full]
#
# Finds the OpenCL drivers (the machine's /etc/OpenCL/vendors and NVIDIA's libnvidia-opencl.so.1 wherever
# the driver's libraries are mounted), points the kit's ICD loader at them, and runs the check on the kit's
# Java runtime. Results: gpu-check-report.txt (everything), gpu-check.json (the figures) and gpu-check.log
# (the output) in $OUT when it is set, else in results/ beside this file; a short summary on stdout.
# Exit status: the check's (0 passed, 1 a check failed, 2 bad arguments, 3 stopped at its deadline),
# 124 killed by the hard time limit.
#
# Time: the check stops itself after FASTNN_KIT_DEADLINE seconds (default 510), writing what it has done;
# this script kills it after FASTNN_KIT_TIME_LIMIT seconds (default: 20 more, 530), so the whole run ends
# within 9 minutes.
set -uo pipefail
kit=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
results=${OUT:-$kit/results}
mkdir -p "$results" || { echo "run.sh: cannot create the results folder $results" >&2; exit 1; }
report=$results/gpu-check-report.txt
json=$results/gpu-check.json
log=$results/gpu-check.log
deadline=${FASTNN_KIT_DEADLINE:-510}
time_limit=${FASTNN_KIT_TIME_LIMIT:-$((deadline + 20))}

# Scratch space: the JVM's temp folder (Aparapi extracts its native library there and loads it, so the
# folder must allow executing), OpenCL caches, the combined ICD folder. The kit itself may be read-only.
runs_programs() {
  printf '#!/bin/sh\nexit 0\n' >"$1/probe" 2>/dev/null && chmod +x "$1/probe" && "$1/probe"
}
work=
for base in "${TMPDIR:-/tmp}" /dev/shm "$results" "$kit"; do
  candidate=$(mktemp -d "$base/fastnn-gpu-kit.XXXXXX" 2>/dev/null) || continue
  if runs_programs "$candidate"; then
    work=$candidate
    break
  fi
  rm -rf "$candidate"
done
[ -n "$work" ] || { echo "run.sh: no writable folder that may hold programs (tried ${TMPDIR:-/tmp}, /dev/shm, $results, $kit)" >&2; exit 1; }
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tmp" "$work/vendors" "$work/home"
environment=$work/environment.txt
: >"$environment"
note() {
  echo "$*" >>"$environment"
}

# ---------------------------------------------------------------- the machine
os=$( (. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}") )
note "machine: $(uname -srm 2>/dev/null), ${os:-unknown distribution}, $(nproc 2>/dev/null || echo '?') processors, $(grep -m1 MemTotal /proc/meminfo 2>/dev/null | tr -s ' ')"
note "kit: $(head -1 "$kit/BUILD-INFO" 2>/dev/null); $(sed -n 2p "$kit/BUILD-INFO" 2>/dev/null)"
if [ -r /proc/driver/nvidia/version ]; then
  note "NVIDIA kernel driver: $(head -1 /proc/driver/nvidia/version)"
else
  note "NVIDIA kernel driver: no /proc/driver/nvidia/version"
fi
if command -v nvidia-smi >/dev/null 2>&1; then
  # Read-only queries: the card's settings are left as they are.
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,temperature.gpu,power.draw \
    --format=csv 2>&1 | head -5 | sed 's/^/nvidia-smi: /' >>"$environment"
else
  note "nvidia-smi: not on PATH"
fi

# ---------------------------------------------------------------- NVIDIA's OpenCL driver, wherever it is mounted
ldconfig=$(command -v ldconfig 2>/dev/null || ls /sbin/ldconfig /usr/sbin/ldconfig 2>/dev/null | head -1)
search="/usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/local/nvidia/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu
  /usr/lib64 /usr/lib /lib/x86_64-linux-gnu /lib64 /usr/local/cuda/compat /usr/local/cuda/lib64 /usr/lib/wsl/lib"
found=()
for dir in $search; do
  for f in "$dir"/libnvidia-opencl.so*; do
    [ -e "$f" ] && found+=("$f")
  done
done
if [ -n "$ldconfig" ]; then
  while read -r f; do
    [ -n "$f" ] && found+=("$f")
  done < <("$ldconfig" -p 2>/dev/null | sed -n 's/.*libnvidia-opencl\.so[^ ]* .*=> //p')
fi
if [ -d /usr/local/nvidia ]; then
  while read -r f; do
    found+=("$f")
  done < <(find /usr/local/nvidia -maxdepth 4 -name 'libnvidia-opencl.so*' 2>/dev/null)
fi
nvidia_lib=
driver_dirs=
declare -A seen=()
for f in "${found[@]+"${found[@]}"}"; do
  real=$(readlink -f "$f" 2>/dev/null || echo "$f")
  [ -n "${seen[$real]:-}" ] && continue
  seen[$real]=1
  note "found NVIDIA OpenCL driver: $f${real:+ -> $real}"
  dir=$(dirname "$f")
  case ":$driver_dirs:" in *":$dir:"*) ;; *) driver_dirs=${driver_dirs:+$driver_dirs:}$dir ;; esac
  case "$(basename "$f")" in libnvidia-opencl.so.1) [ -z "$nvidia_lib" ] && nvidia_lib=$f ;; esac
done
if [ ${#found[@]} -eq 0 ]; then
  note "found NVIDIA OpenCL driver: none (searched $(echo $search), ldconfig -p, /usr/local/nvidia)"
elif [ -z "$nvidia_lib" ]; then
  nvidia_lib=${found[0]}
fi
for dir in ${driver_dirs//:/ }; do
  [ -e "$dir/libcuda.so.1" ] && note "libcuda.so.1 beside it: $dir/libcuda.so.1"
done

# Aparapi's native library (from the kit's jar) needs the machine's C++ runtime; say where it is, or that it is not.
for lib in libstdc++.so.6 libgcc_s.so.1; do
  where=$([ -n "$ldconfig" ] && "$ldconfig" -p 2>/dev/null | sed -n "s/^[[:space:]]*$lib (libc6,x86-64.*=> //p" | head -1)
  if [ -z "$where" ]; then
    for dir in /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib64 /lib64; do
      [ -e "$dir/$lib" ] && where=$dir/$lib && break
    done
  fi
  note "$lib (for Aparapi's native library): ${where:-NOT FOUND: Aparapi cannot load without it}"
done

# ---------------------------------------------------------------- ICD files: the machine's, then the kit's
for icd in /etc/OpenCL/vendors/*.icd; do
  [ -f "$icd" ] || continue
  cp "$icd" "$work/vendors/"
  note "machine ICD $icd: $(head -1 "$icd")"
done
if grep -qs libnvidia-opencl "$work"/vendors/*.icd; then
  note "kit ICD nvidia.icd: not used, the machine registers NVIDIA's driver itself"
elif [ -n "$nvidia_lib" ] && [ "$(basename "$nvidia_lib")" != libnvidia-opencl.so.1 ]; then
  # Only a versioned file is mounted: name it by its full path.
  echo "$nvidia_lib" >"$work/vendors/nvidia.icd"
  note "kit ICD nvidia.icd: $nvidia_lib (no libnvidia-opencl.so.1 link was mounted)"
else
  cp "$kit/opencl/vendors/nvidia.icd" "$work/vendors/"
  note "kit ICD nvidia.icd: $(head -1 "$kit/opencl/vendors/nvidia.icd")${nvidia_lib:+, found at $nvidia_lib}"
fi
export OCL_ICD_VENDORS=$work/vendors
# The kit's loader first; the driver folders so that NVIDIA's ICD finds libcuda and its other libraries.
export LD_LIBRARY_PATH=$kit/opencl/lib${driver_dirs:+:$driver_dirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
note "OCL_ICD_VENDORS=$OCL_ICD_VENDORS ($(cd "$work/vendors" && echo *.icd))"
note "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
# Kernel compilers keep caches under HOME (NVIDIA: ~/.nv, PoCL: ~/.cache/pocl); a bare shell may have none.
export HOME=${HOME:-$work/home}
export POCL_CACHE_DIR=${POCL_CACHE_DIR:-$work/pocl-cache}

# ---------------------------------------------------------------- the check
java=$kit/runtime/bin/java
[ -f "$java" ] || { echo "run.sh: $java is missing: rebuild the kit (gpu-kit/build.sh)" >&2; exit 1; }
if ! "$java" -version >/dev/null 2>&1; then
  # A copy that lost its file modes, or a folder mounted without exec: run a copy from the scratch folder.
  cp -r "$kit/runtime" "$work/runtime" && chmod -R u+x "$work/runtime/bin" "$work/runtime/lib"
  java=$work/runtime/bin/java
  note "runtime: the kit's could not run in place; running a copy in $work/runtime"
fi
# Aparapi's warnings and the OpenCL source it generates go to the log, so that a driver's build error (which
# the driver prints there too) can be read against the source; the run has one try on the GPU.
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseG1GC -Xmx8g
  "-Djava.io.tmpdir=$work/tmp" -Dcom.aparapi.logLevel=WARNING -Dcom.aparapi.enableShowGeneratedOpenCL=true)
command=("$java" "${flags[@]}" -cp "$kit/lib/*" dev.fastnn.gpukit.GpuCheck
  --report "$report" --json "$json" --environment "$environment" --opencl-loader "$kit/opencl/lib/libOpenCL.so.1"
  --deadline-seconds "$deadline" "$@")
if command -v timeout >/dev/null 2>&1; then
  command=(timeout -k 10 "$time_limit" "${command[@]}")
fi
echo "run.sh: results go to $results"
"${command[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  message="run.sh: the check was killed at its hard time limit of $time_limit s (status $status); the report holds what it wrote before"
  echo "$message" | tee -a "$log" >>"$report"
elif [ ! -s "$report" ]; then
  # The JVM did not get as far as the report: keep what run.sh found and what the JVM said.
  { cat "$environment"; echo; echo "run.sh: the check exited with status $status before writing a report; its output:"; tail -50 "$log"; } >"$report"
fi
exit "$status"
