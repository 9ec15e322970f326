#!/usr/bin/python3
"""Writes app/src/test/resources/external-models/torch-mlp-logits.onnx: a model digitstream's own
code never produced, for the test of `digitstream model import` (ModelImportCommandTest).

Another architecture (a two-layer perceptron, not the reference CNN), another framework (PyTorch),
another exporter (torch.onnx.export, not the project's OnnxExport), and logits out instead of
probabilities. Trained on the repository's MNIST fixture (4,000 training images), so it needs
no download. Debian packages: python3-torch python3-onnx python3-numpy. Run from the repository root:

    /usr/bin/python3 scripts/external-model/torch_mlp.py

It prints the fixture test set's accuracy (1,000 images); the file is deterministic for a given
PyTorch build (seed 7, one thread), not across builds.
"""
import gzip
import pathlib
import sys

import numpy as np
import onnx
import torch

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "mnist/src/main/resources/mnist-fixture"
OUT = ROOT / "app/src/test/resources/external-models/torch-mlp-logits.onnx"


def idx(name, header):
    data = gzip.decompress((FIXTURE / (name + ".gz")).read_bytes())
    return np.frombuffer(data, dtype=np.uint8, offset=header)


def main():
    torch.manual_seed(7)
    torch.set_num_threads(1)
    train_x = torch.tensor(idx("train-images-idx3-ubyte", 16).reshape(-1, 1, 28, 28) / 255.0, dtype=torch.float32)
    train_y = torch.tensor(idx("train-labels-idx1-ubyte", 8).astype(np.int64))
    test_x = torch.tensor(idx("t10k-images-idx3-ubyte", 16).reshape(-1, 1, 28, 28) / 255.0, dtype=torch.float32)
    test_y = torch.tensor(idx("t10k-labels-idx1-ubyte", 8).astype(np.int64))

    model = torch.nn.Sequential(
        torch.nn.Flatten(), torch.nn.Linear(784, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(15):
        order = torch.randperm(len(train_x))
        for start in range(0, len(order), 50):
            batch = order[start:start + 50]
            optimiser.zero_grad()
            torch.nn.functional.cross_entropy(model(train_x[batch]), train_y[batch]).backward()
            optimiser.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(test_x).argmax(1) == test_y).float().mean().item()

    OUT.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        model, torch.zeros(1, 1, 28, 28), str(OUT), input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13)
    onnx.checker.check_model(onnx.load(str(OUT)))
    print(f"{OUT.relative_to(ROOT)}: {OUT.stat().st_size} bytes, fixture test accuracy {accuracy:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
