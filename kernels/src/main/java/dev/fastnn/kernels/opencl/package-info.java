/**
 * The {@code aparapi} backend: fastnn's kernels as Aparapi (OpenCL) kernels, with every matrix resident on
 * the device.
 *
 * <p>Running it:
 * <ul>
 * <li>An OpenCL driver must be installed; on a machine without a GPU, Debian's PoCL is a real OpenCL CPU
 *     device: {@code apt-get install pocl-opencl-icd ocl-icd-libopencl1}. Without one, {@code aparapi}
 *     fails with that advice and {@code auto} uses the vector backend. {@code auto} first asks
 *     {@code GpuPresence} whether the machine's files rule out a GPU, and then
 *     leaves OpenCL unloaded.</li>
 * <li>{@code -Dfastnn.opencl.device=<index or name>} picks the device: a number is the index that
 *     {@code fastnn backends} prints ({@code #0}, {@code #1}, ...), anything else a case-insensitive part of
 *     the device name. By default: the GPU with most compute units, else an accelerator, else a CPU device.
 *     {@code auto} chooses this backend only for a GPU.</li>
 * <li>The JVM must use G1 (the default on server-class machines; fastnn's launcher passes
 *     {@code -XX:+UseG1GC}), ZGC or Shenandoah: Serial and Parallel GC move the device arena's Java array,
 *     and the backend refuses to run under them.</li>
 * <li>Aparapi's own logging is set to {@code SEVERE} unless {@code -Dcom.aparapi.logLevel} says otherwise.
 *     Its native platform enumeration ({@code getPlatforms} in aparapi-native's {@code OpenCLJNI.cpp})
 *     writes "WARNING: Aparapi is running on an untested OpenCL platform version" with {@code fprintf} to
 *     the process's standard error for every platform that is not OpenCL 1.1, 1.2, 2.0 or 2.1, with no flag
 *     to turn it off; fastnn enumerates once per JVM (Aparapi's cached list), so it appears at most once,
 *     and only where aparapi is used or probed.</li>
 * </ul>
 *
 * <p>How the data stays on the device, and how Aparapi owns buffers, is written down in
 * {@link dev.fastnn.kernels.opencl.OpenClBackend}.
 */
package dev.fastnn.kernels.opencl;
