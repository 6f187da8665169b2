"""PyTorch CPU runner for bench/run.mjs, run by /usr/bin/python3.

Speaks the protocol of bench/lib/child.mjs (BENCH_CONFIG in, JSON lines out) and follows the timing
protocol of bench/lib/measure.mjs, which it mirrors: warm-up steps, then `reps` repetitions of S
steps, median seconds per step; reduced to one warm-up step and fewer one-step repetitions when the
first step shows the budget would be overrun. Threads: torch.set_num_threads(n) and
torch.set_num_interop_threads(1).
"""
import gzip
import json
import os
import statistics
import sys
import time


def emit(record):
    """One JSON line, with this process's CPU time so far (all threads)."""
    print(json.dumps({**record, "cpuSeconds": time.process_time()}), flush=True)


def first_line(e):
    return (str(e) or type(e).__name__).split("\n")[0]


def measure(step, p):
    """The protocol of bench/lib/measure.mjs: returns the same result fields."""
    def time_once():
        t0 = time.perf_counter()
        step()
        return time.perf_counter() - t0

    warmup_seconds = [time_once()]
    first = warmup_seconds[0]
    reps = p["reps"]
    reduced = first * (p["warmup"] + reps) > p["budgetSec"]
    if reduced:
        reps = max(1, min(reps, int((p["budgetSec"] - first) // first)))
    else:
        while len(warmup_seconds) < p["warmup"]:
            warmup_seconds.append(time_once())
    t = warmup_seconds[-1]
    steps = max(1, min(round(p["targetRepSec"] / t), int(p["budgetSec"] // (reps * t))))
    rep_seconds = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        rep_seconds.append(time.perf_counter() - t0)
    return {"status": "ok", "stepSeconds": statistics.median(rep_seconds) / steps, "steps": steps, "reps": reps,
            "repSeconds": rep_seconds, "warmupSeconds": warmup_seconds, "reduced": reduced}


def load_images(torch, data):
    """(images [count, 784] in [0, 1], labels [count]) as bench/lib/fashion-mnist.mjs reads them; random without a directory."""
    count = data["count"]
    if not data["dir"]:
        g = torch.Generator().manual_seed(1)
        return torch.rand(count, 784, generator=g), torch.randint(0, 10, (count,), generator=g)

    def payload(name, magic):
        with gzip.open(os.path.join(data["dir"], name)) as f:
            raw = f.read()
        if int.from_bytes(raw[:4], "big") != magic:
            raise ValueError(f"{name}: bad IDX magic")
        return raw[4 + 4 * (magic & 0xFF):]

    pixels = payload("train-images-idx3-ubyte.gz", 0x803)[:count * 784]
    labels = payload("train-labels-idx1-ubyte.gz", 0x801)[:count]
    images = torch.frombuffer(bytearray(pixels), dtype=torch.uint8).float().div_(255).view(count, 784)
    return images, torch.frombuffer(bytearray(labels), dtype=torch.uint8).long()


def main():
    config = json.loads(os.environ["BENCH_CONFIG"])
    try:
        import torch
        from torch import nn
        import torch.nn.functional as F
    except ImportError as e:
        emit({"type": "meta", "status": "unavailable", "reason": f"{sys.executable} has no torch ({first_line(e)})"})
        return
    torch.set_num_interop_threads(1)
    torch.set_num_threads(config["threads"])
    emit({"type": "meta", "status": "ok", "meta": {
        "version": torch.__version__, "python": sys.version.split()[0],
        "numThreads": torch.get_num_threads(), "interopThreads": torch.get_num_interop_threads(),
        "mkldnn": torch.backends.mkldnn.is_available(),
    }})
    data = {}

    def batches(batch, shape):
        if "images" not in data:
            data["images"], data["labels"] = load_images(torch, config["data"])
        images, labels = data["images"], data["labels"]
        n = len(labels) // batch
        return [(images[b * batch:(b + 1) * batch].reshape(batch, *shape).contiguous(), labels[b * batch:(b + 1) * batch]) for b in range(n)]

    def cycle(xs):
        i = 0

        def next_item():
            nonlocal i
            i += 1
            return xs[(i - 1) % len(xs)]
        return next_item

    def lenet():
        """LeNet-5, course variant, as src/models/lenet.ts."""
        return nn.Sequential(
            nn.Conv2d(1, 20, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(20, 50, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(2450, 500), nn.ReLU(), nn.Linear(500, 10))

    def train_step(model, opt, next_batch):
        loss_fn = nn.CrossEntropyLoss()

        def step():
            x, y = next_batch()
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            return loss.item()
        return step

    def lenet_train(m):
        model = lenet()
        return train_step(model, torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9), cycle(batches(m["batch"], (1, 28, 28))))

    def lenet_infer(m):
        model = lenet().eval()
        next_batch = cycle(batches(m["batch"], (1, 28, 28)))

        def step():
            with torch.no_grad():
                return model(next_batch()[0])
        return step

    def mlp_train(m):
        model = nn.Sequential(
            nn.Linear(784, 512), nn.BatchNorm1d(512), nn.ReLU(),
            nn.Linear(512, 256), nn.BatchNorm1d(256), nn.ReLU(),
            nn.Linear(256, 10))
        return train_step(model, torch.optim.Adam(model.parameters(), lr=1e-3), cycle(batches(m["batch"], (784,))))

    def sgemm(m):
        a, b = torch.randn(m["n"], m["n"]), torch.randn(m["n"], m["n"])
        return lambda: torch.mm(a, b)

    def conv_tensors(s, requires_grad):
        x = torch.randn(s["N"], s["C"], s["H"], s["W"], requires_grad=requires_grad)
        w = torch.randn(s["M"], s["C"] // s["groups"], s["K"], s["K"], requires_grad=requires_grad)
        return x, w

    def conv_fwd(m):
        s = m["shape"]
        x, w = conv_tensors(s, False)

        def step():
            with torch.no_grad():
                return F.conv2d(x, w, None, padding=s["pad"], groups=s["groups"])
        return step

    def conv_fwdbwd(m):
        s = m["shape"]
        x, w = conv_tensors(s, True)
        dy = torch.randn(s["N"], s["M"], s["P"], s["Q"])

        def step():
            x.grad = w.grad = None
            F.conv2d(x, w, None, padding=s["pad"], groups=s["groups"]).backward(dy)
        return step

    kinds = {"lenet-train": lenet_train, "lenet-infer": lenet_infer, "mlp-train": mlp_train, "sgemm": sgemm,
             "conv-fwd": conv_fwd, "conv-fwdbwd": conv_fwdbwd}
    for m in config["measurements"]:
        try:
            result = measure(kinds[m["kind"]](m), config["protocol"])
            result["rate"] = m["work"] / result["stepSeconds"]
        except Exception as e:  # a failing measurement is reported, the others still run
            result = {"status": "fails", "reason": first_line(e)}
        emit({"type": "result", "id": m["id"], **result})
        shown = f"{result['rate']:.4g} {m['unit']} ({result['reps']}x{result['steps']} steps)" if result["status"] == "ok" else f"fails: {result['reason']}"
        print(f"    {m['id']}: {shown}", file=sys.stderr, flush=True)


main()
