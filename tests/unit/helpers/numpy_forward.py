"""The chapter's forward pass in NumPy on a firstnet .npz: prints test accuracy as JSON.

Usage: python3 numpy_forward.py model.npz MNIST_DIR
Loads with numpy.load and no allow_pickle (contract §1) and runs `a @ W + b` layer by
layer, exactly as the chapter writes it, in float64.
"""
import json
import sys

import numpy as np

model = np.load(sys.argv[1])  # allow_pickle is False by default: object arrays would fail
data = sys.argv[2]
cfg = json.loads(str(model["config"][()]))
act = {
    "relu": lambda z: np.maximum(0, z),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
}[cfg["activation"]]
layers = len([k for k in model.files if k.startswith("W")])

with open(f"{data}/t10k-images-idx3-ubyte", "rb") as f:
    x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784) / 255.0
with open(f"{data}/t10k-labels-idx1-ubyte", "rb") as f:
    y = np.frombuffer(f.read(), np.uint8, offset=8)

a = x
for l in range(1, layers + 1):
    W, b = model[f"W{l}"].astype(np.float64), model[f"b{l}"].astype(np.float64)
    assert W.dtype == np.float64 and model[f"W{l}"].dtype == np.float32
    z = a @ W + b
    a = act(z) if l < layers else z
pred = a.argmax(axis=1)
print(json.dumps({
    "correct": int((pred == y).sum()),
    "count": int(len(y)),
    "testAccuracy": float((pred == y).mean()),
    "layers": cfg["layers"],
    "dtypes": sorted({str(model[k].dtype) for k in model.files if k != "config"}),
}))
