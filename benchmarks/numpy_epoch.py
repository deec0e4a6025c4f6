#!/usr/bin/env python3
"""One epoch of Fashion-MNIST with a 784-256-10 MLP in numpy float32: the reference for fastnn's epoch time.

The network and step are those of TrainStepBenchmark's "mlp": sigmoid hidden layer, softmax output with
mean cross-entropy, plain SGD (learning rate 0.1) on shuffled batches of 128, weights uniform in
+-1/sqrt(fan-in), biases zero. Only the epoch is timed (data loading and the test pass are not); the
script prints the time, the loss and the test accuracy, and with --json FILE writes them where
`./fastnn bench report` picks them up (benchmarks/results/numpy-*.json).

Run it as the benchmark command with the OpenBLAS variables unset, since this machine may set them for
old OpenBLAS builds and they slow numpy's own OpenBLAS, e.g. (one BLAS thread):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 \\
        python3 benchmarks/numpy_epoch.py --json benchmarks/results/numpy-epoch-1thread.json

The IDX files come from Debian's dataset-fashion-mnist package (/usr/share/datasets/fashion-mnist).
"""
import argparse
import gzip
import json
import os
import platform
import struct
import sys
import time

import numpy as np

BATCH = 128
HIDDEN = 256
LEARNING_RATE = np.float32(0.1)


def read_idx(path):
    """An IDX file (gzipped or not) as a numpy array, after checking its magic number and size."""
    with open(path, "rb") as f:
        head = f.read(2)
    opener = gzip.open if head == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, dims = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims)
    if body.size != int(np.prod(shape)):
        raise ValueError(f"{path}: header says {shape}, file has {body.size} values")
    return body.reshape(shape)


def load(directory, split):
    images = read_idx(os.path.join(directory, f"{split}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(directory, f"{split}-labels-idx1-ubyte.gz"))
    x = images.reshape(images.shape[0], -1).astype(np.float32) / np.float32(255)
    y = np.zeros((labels.shape[0], 10), dtype=np.float32)
    y[np.arange(labels.shape[0]), labels] = 1
    return x, y, labels


def sigmoid(z):
    return np.float32(1) / (np.float32(1) + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def epoch(x, y, w1, b1, w2, b2, rng):
    """One pass over x in shuffled batches; updates the parameters in place and returns the mean loss."""
    order = rng.permutation(x.shape[0])
    total = 0.0
    for start in range(0, x.shape[0], BATCH):
        idx = order[start:start + BATCH]
        xb, yb = x[idx], y[idx]
        n = np.float32(xb.shape[0])
        h = sigmoid(xb @ w1 + b1)
        p = softmax(h @ w2 + b2)
        total += float(-(yb * np.log(np.maximum(p, np.float32(1e-30)))).sum())
        dz2 = (p - yb) / n
        dw2 = h.T @ dz2
        db2 = dz2.sum(axis=0)
        dz1 = (dz2 @ w2.T) * h * (np.float32(1) - h)
        dw1 = xb.T @ dz1
        db1 = dz1.sum(axis=0)
        w1 -= LEARNING_RATE * dw1
        b1 -= LEARNING_RATE * db1
        w2 -= LEARNING_RATE * dw2
        b2 -= LEARNING_RATE * db2
    return total / x.shape[0]


def blas_info():
    """Which OpenBLAS numpy runs (its kernel for this CPU) and on how many threads, asked of the library itself.

    threadpoolctl would say the same, but older releases do not know the scipy-openblas name that
    numpy 2 wheels load, so the loaded library is found in /proc/self/maps and asked directly.
    """
    import ctypes
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps if "openblas" in line.lower() and ".so" in line})
    except OSError:
        paths = []
    for path in paths:
        lib = ctypes.CDLL(path)
        for prefix, suffix in (("scipy_", "64_"), ("scipy_", ""), ("", "64_"), ("", "")):
            try:
                corename = getattr(lib, f"{prefix}openblas_get_corename{suffix}")
                threads = getattr(lib, f"{prefix}openblas_get_num_threads{suffix}")
                config = getattr(lib, f"{prefix}openblas_get_config{suffix}")
            except AttributeError:
                continue
            corename.restype = ctypes.c_char_p
            config.restype = ctypes.c_char_p
            version = config().decode().split()[1] if config() else "?"
            return f"OpenBLAS {version}, kernel {corename().decode()}", threads()
    return "unknown BLAS (no OpenBLAS loaded)", os.environ.get("OPENBLAS_NUM_THREADS", "?")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist",
                        help="folder with the Fashion-MNIST IDX files")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=1, help="epochs to run; each is timed and the fastest reported")
    parser.add_argument("--json", metavar="FILE", help="also write the result as JSON to FILE")
    args = parser.parse_args()

    x, y, _ = load(args.data, "train")
    x_test, _, labels_test = load(args.data, "t10k")
    rng = np.random.default_rng(args.seed)
    w1 = rng.uniform(-1, 1, (784, HIDDEN)).astype(np.float32) / np.float32(np.sqrt(784))
    b1 = np.zeros(HIDDEN, dtype=np.float32)
    w2 = rng.uniform(-1, 1, (HIDDEN, 10)).astype(np.float32) / np.float32(np.sqrt(HIDDEN))
    b2 = np.zeros(10, dtype=np.float32)

    times = []
    loss = float("nan")
    for _ in range(args.epochs):
        start = time.perf_counter()
        loss = epoch(x, y, w1, b1, w2, b2, rng)
        times.append(time.perf_counter() - start)
    assert w1.dtype == np.float32 and w2.dtype == np.float32, "the parameters must stay float32"
    accuracy = float((softmax(sigmoid(x_test @ w1 + b1) @ w2 + b2).argmax(axis=1) == labels_test).mean())

    blas, threads = blas_info()
    result = {
        "tool": "numpy",
        "numpy": np.__version__,
        "python": platform.python_version(),
        "blas": blas,
        "blas_threads": threads,
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "unset"),
        "network": "784-256-10 sigmoid, softmax cross-entropy, SGD lr 0.1",
        "batch": BATCH,
        "epochs": args.epochs,
        "epoch_seconds": round(min(times), 4),
        "all_epoch_seconds": [round(t, 4) for t in times],
        "train_loss": round(loss, 5),
        "test_accuracy": round(accuracy, 4),
    }
    print(f"numpy {np.__version__}, {blas}, {threads} thread(s): one epoch of 60000 images in "
          f"{result['epoch_seconds']:.3f} s (train loss {loss:.4f}, test accuracy {accuracy:.4f})")
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
