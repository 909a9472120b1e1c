"""A small multilayer perceptron on 2-D points: its architecture and flat parameter layout.

The network maps 2 inputs through 0–3 hidden layers of 1–32 units (tanh, relu or sigmoid) to
one output logit z; its loss is the logistic loss of torch.nn.BCEWithLogitsLoss, the mean over
the batch of (1 − y)·z − log σ(z) (the passes: nn_passes.py; the landscape: nn_landscape.py).

Parameters are ONE flat float64 vector, layer after layer: W1, b1, W2, b2, ..., WL, bL, each W
of shape (outputs, inputs) stored row-major, as torch.nn.Linear stores its weight, and each b of
shape (outputs,). So W1[j, i] (hidden unit j, input i) is p[j·2 + i], and b1 follows W1. Every
optimizer, schedule, clipping rule and batch mode steps this vector as it steps (w, b).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .checks import as_int, shown
from .errors import ConfigError

Array = NDArray[np.float64]

INPUTS = 2
MAX_HIDDEN_LAYERS = 3
MAX_UNITS = 32
ACTIVATIONS = ("tanh", "relu", "sigmoid")
_LAYERS_HINT = (
    f"give 0 (no hidden layer) or up to {MAX_HIDDEN_LAYERS} sizes from 1 to {MAX_UNITS} "
    "separated by commas, e.g. 8,8"
)


def parse_layers(text: str) -> tuple[int, ...]:
    """Hidden layer sizes from text such as '8,8' ('0': no hidden layer); ConfigError otherwise."""
    if not isinstance(text, str):
        raise ConfigError(f"layers must be text such as 8,8, got {shown(text)}")
    t = text.strip()
    if t == "0":
        return ()
    parts = [part.strip() for part in t.split(",")]
    if len(parts) > MAX_HIDDEN_LAYERS and all(p.isdigit() for p in parts):
        raise ConfigError(
            f"layers: {len(parts)} hidden layers in {shown(text)} (at most "
            f"{MAX_HIDDEN_LAYERS}); {_LAYERS_HINT}"
        )
    sizes = []
    for part in parts:
        if not part:
            raise ConfigError(f"layers: an empty size in {shown(text)}; {_LAYERS_HINT}")
        if not (part.isascii() and part.isdigit()) or len(part) > 6:
            raise ConfigError(f"layers: {shown(part)} is not a size; {_LAYERS_HINT}")
        sizes.append(int(part))
    return check_layers(tuple(sizes))


def check_layers(sizes: object) -> tuple[int, ...]:
    """Hidden layer sizes as a tuple of 0–3 whole numbers from 1 to 32; ConfigError otherwise."""
    if not isinstance(sizes, (tuple, list)):
        raise ConfigError(f"layers must be a list of sizes, got {shown(sizes)}")
    if len(sizes) > MAX_HIDDEN_LAYERS:
        raise ConfigError(
            f"layers: {len(sizes)} hidden layers (at most {MAX_HIDDEN_LAYERS}); {_LAYERS_HINT}"
        )
    out = []
    for size in sizes:
        n = as_int(size)
        if n is None or not 1 <= n <= MAX_UNITS:
            raise ConfigError(
                f"layers: a layer of {shown(size)} units (from 1 to {MAX_UNITS}); {_LAYERS_HINT}"
            )
        out.append(n)
    return tuple(out)


def check_activation(name: object) -> str:
    """The activation's name if it is one of tanh, relu, sigmoid; ConfigError otherwise."""
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ConfigError(f"unknown activation {shown(name)}; allowed: {', '.join(ACTIVATIONS)}")
    return name


@dataclass(frozen=True)
class Block:
    """Where one weight or bias sits in the flat vector: its name, shape and slice."""

    name: str
    shape: tuple[int, ...]
    start: int

    @property
    def stop(self) -> int:
        """One past its last index in the flat vector."""
        return self.start + math.prod(self.shape)


class Architecture:
    """Layer sizes 2 → hidden... → 1 and the activation; the flat layout and initialisation."""

    def __init__(self, hidden: tuple[int, ...] | list[int] = (8, 8), activation: str = "tanh"):
        self.hidden = check_layers(hidden)
        self.activation = check_activation(activation)
        self.sizes = (INPUTS, *self.hidden, 1)
        blocks = []
        start = 0
        for k, (fan_in, fan_out) in enumerate(zip(self.sizes, self.sizes[1:], strict=False)):
            for name, shape in ((f"W{k + 1}", (fan_out, fan_in)), (f"b{k + 1}", (fan_out,))):
                blocks.append(Block(name, shape, start))
                start = blocks[-1].stop
        self.blocks: tuple[Block, ...] = tuple(blocks)
        self.n_params = start
        self._slices = [
            (slice(w.start, w.stop), w.shape, slice(b.start, b.stop))
            for w, b in zip(self.blocks[::2], self.blocks[1::2], strict=True)
        ]

    def __repr__(self) -> str:
        return f"Architecture({'-'.join(map(str, self.sizes))}, {self.activation})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Architecture):
            return NotImplemented
        return (self.hidden, self.activation) == (other.hidden, other.activation)

    def __hash__(self) -> int:
        return hash((self.hidden, self.activation))

    @property
    def depth(self) -> int:
        """Number of linear layers (hidden layers + the output layer)."""
        return len(self.sizes) - 1

    @property
    def label(self) -> str:
        """Short description such as '2-8-8-1 tanh'."""
        return f"{'-'.join(map(str, self.sizes))} {self.activation}"

    def param_names(self) -> tuple[str, ...]:
        """A name per entry of the flat vector: W1[j,i], b1[j], W2[j,i], ..."""
        names: list[str] = []
        for block in self.blocks:
            if len(block.shape) == 2:
                rows, cols = block.shape
                names.extend(f"{block.name}[{j},{i}]" for j in range(rows) for i in range(cols))
            else:
                names.extend(f"{block.name}[{j}]" for j in range(block.shape[0]))
        return tuple(names)

    def layers(self, p: Array) -> list[tuple[Array, Array]]:
        """Views (W, b) of each layer into the flat vector p (no copies)."""
        return [(p[w].reshape(shape), p[b]) for w, shape, b in self._slices]

    def flatten(self, arrays: dict[str, Array]) -> Array:
        """The flat vector from arrays named W1, b1, ... of this architecture's shapes."""
        p = np.empty(self.n_params)
        for block in self.blocks:
            p[block.start : block.stop] = np.asarray(arrays[block.name], dtype=np.float64).ravel()
        return p

    def unflatten(self, p: Array) -> dict[str, Array]:
        """Copies of W1, b1, W2, ... from the flat vector, each in its torch shape."""
        return {b.name: p[b.start : b.stop].reshape(b.shape).copy() for b in self.blocks}

    def init_bounds(self) -> Array:
        """Per entry, the bound of torch.nn.Linear's default init: 1/sqrt(fan_in) of its layer."""
        out = np.empty(self.n_params)
        for block in self.blocks:
            fan_in = self.sizes[int(block.name[1:]) - 1]
            out[block.start : block.stop] = 1.0 / math.sqrt(fan_in)
        return out

    def init(self, seed: int = 0) -> Array:
        """Seeded initial weights as torch.nn.Linear draws them, from numpy's Generator.

        Each W and b is uniform in ±1/sqrt(fan_in) (kaiming_uniform with a = √5 gives that
        bound for W; the bias uses it too), drawn layer by layer: W1, b1, W2, b2, ...
        """
        rng = np.random.default_rng([_INIT_STREAM, seed])
        bound = self.init_bounds()
        p = np.empty(self.n_params)
        for block in self.blocks:
            s = slice(block.start, block.stop)
            p[s] = rng.uniform(-bound[s], bound[s])
        return p


_INIT_STREAM = 0x6E6E  # a seed's initialisation stream, apart from its data and batch streams
