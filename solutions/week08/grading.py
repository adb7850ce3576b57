"""Week 8 grading spec (public items): a variational autoencoder on the digits, as a generative model.

Probes only call the student's code and export raw tensors; every verdict is
computed here, in the trusted checks, with NumPy. Models are graded through
the parts the notebook defines:

* the architecture, with fixed weights loaded into the student's ``VAE``
  (exact numbers for ``encode``, ``decode`` and ``forward``);
* a trained model through its **weights**: the probe exports the trained
  ``encoder`` and ``decoder`` parameters and the check runs them itself
  (:func:`encode`, :func:`decode`) on held-out images and noise it holds, so the
  held-out bound and the samples are computed here, never by a ``forward`` or
  ``sample_images`` the student controls;
* sampling and interpolation with a grader-made model (:func:`grader_model`),
  so those items do not depend on the student's ``VAE``.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from autograder.spec import Check, Item, Outcome, checks
from autograder.spec.messages import describe, expected_got

SETTINGS = {"title": "Week 8: generation (a VAE on the digits)"}


# float32 tensors: a few ulps of float32 through two small layers
TENSOR = checks.close(rtol=1e-4, atol=1e-5)

N_TRAIN = 1400  # the digits split every probe uses: a fixed permutation, 1,400 train / 397 held out
TRAIN_EPOCHS = 15
LATENT = 8


# ----------------------------------------------------------------------------- data and fixed inputs
def digits() -> tuple[Any, Any]:
    """(images, labels): the digits flattened to (1797, 64) float32 in [0, 1], in the split's order."""
    from course_lib.digits_images import load_digit_images

    data = load_digit_images()
    order = np.random.default_rng(0).permutation(len(data))
    return data.images.reshape(-1, 64)[order], data.labels[order]


def digit_split() -> tuple[Any, Any]:
    """(train, held_out) digit images flattened to (N, 64) float32 tensors in [0, 1]."""
    images, _ = digits()
    return images[:N_TRAIN], images[N_TRAIN:]


def tensor(array: np.ndarray) -> Any:
    import torch

    return torch.as_tensor(np.asarray(array, dtype=np.float32))


def gaussian_params(seed: int, n: int, d: int, spread: float = 1.0) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    return tensor(rng.normal(0, 1.5, (n, d))), tensor(rng.normal(-0.5, spread, (n, d)))


def pixels_and_logits(seed: int, n: int, scale: float = 3.0) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (n, 64))
    x[:, :8] = 0.0  # some pixels exactly 0 or 1, as in the digits
    x[:, -4:] = 1.0
    return tensor(x), tensor(rng.normal(0, scale, (n, 64)))


def load_fixed_weights(model: Any, seed: int) -> dict[str, list[int]]:
    """Overwrite every parameter with seeded values; returns the parameter shapes by name."""
    import torch

    rng = np.random.default_rng(seed)
    state = model.state_dict()
    fixed = {}
    for name in sorted(state):
        shape = tuple(state[name].shape)
        fan_in = shape[-1] if len(shape) > 1 else 4
        fixed[name] = torch.as_tensor(rng.normal(0, 1 / np.sqrt(fan_in), shape).astype(np.float32))
    model.load_state_dict(fixed)
    return {name: list(shape.shape) for name, shape in sorted(state.items())}


def fixed_model(ns: dict[str, Any], seed: int, **sizes: int) -> tuple[Any, dict[str, list[int]]]:
    model = ns["VAE"](**sizes)
    shapes = load_fixed_weights(model, seed)
    return model.eval(), shapes


def grader_model(seed: int, n_pixels: int = 64, hidden: int = 16, latent: int = 3) -> Any:
    """A model with the interface sample_images and interpolate use, built by the grader.

    It has ``latent``, ``encode`` (the first ``latent`` outputs of ``encoder``
    are the mean), ``decode`` (the ``decoder``'s logits) and seeded weights;
    its layers differ from the notebook's VAE on purpose. Those two items then
    test only the student's sampling and interpolation.
    """
    import torch.nn as nn

    class GraderModel(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.latent = latent
            self.encoder = nn.Sequential(
                nn.Linear(n_pixels, hidden), nn.Tanh(), nn.Linear(hidden, 2 * latent)
            )
            self.decoder = nn.Sequential(
                nn.Linear(latent, hidden), nn.Tanh(), nn.Linear(hidden, n_pixels)
            )

        def encode(self, x: Any) -> tuple[Any, Any]:
            out = self.encoder(x)
            return out[..., :latent], out[..., latent:]

        def decode(self, z: Any) -> Any:
            return self.decoder(z)

    model = GraderModel()
    load_fixed_weights(model, seed)
    return model.eval()


def no_grad_problem(got: Any, what: str) -> Outcome | None:
    if got.get("requires_grad") is not False:
        return Outcome(
            0.0,
            f"{what} carry gradients: compute them under torch.no_grad() (nothing here needs them)",
        )
    return None


# ----------------------------------------------------------------------------- numbers and tensors
def check_python_float(function: str, value_check: Check) -> Check:
    """One Python float (a 0-d array or tensor is not one), then ``value_check``."""

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if type(got) not in (int, float):
            return Outcome(
                0.0,
                f"{function} must return one Python float (use float(...)), got {describe(got)}",
            )
        return value_check(got, ref, reveal)

    return check


def check_scalar_tensor(got: Any, ref: Any, reveal: bool) -> Outcome:
    """A 0-d tensor (exported as a 0-d array), not a Python float or a one-element tensor."""
    if not isinstance(got, np.ndarray) or got.shape != ():
        return Outcome(
            0.0,
            "elbo_loss must return a scalar tensor (shape ()) that train_vae can call backward "
            f"on, got {describe(got)}",
        )
    return TENSOR(got, ref, reveal)


def probe_with_gradients(
    function: Any, args: dict[str, Any], wrt: tuple[str, ...], **kwargs: Any
) -> dict[str, Any]:
    """``function(*args)`` with the ``wrt`` tensors requiring gradients: its value, and the
    gradient of the sum of its outputs with respect to each of them (None if none flows)."""
    leaves = {name: value.clone().requires_grad_(name in wrt) for name, value in args.items()}
    value = function(*leaves.values(), **kwargs)
    try:
        value.sum().backward()
        grads = {name: leaves[name].grad for name in wrt}
    except Exception:  # a NumPy result, a detached tensor: no gradient to read
        grads = None
    return {"value": value, "grads": grads}


def check_with_gradients(value_check: Check, function: str, through: str) -> Check:
    """The value, then the gradients (of the sum of the outputs) against the reference's."""

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if not isinstance(got, dict):
            return Outcome(0.0, f"unexpected result ({describe(got)})")
        outcome = value_check(got.get("value"), ref["value"], reveal)
        if not outcome.passed:
            return outcome
        if not isinstance(got.get("grads"), dict) or any(
            got["grads"].get(name) is None for name in ref["grads"]
        ):
            return Outcome(
                0.0,
                f"no gradient flows back through {function} to {through}: compute it with torch "
                "operations on the tensors passed in (no NumPy, no .detach(), no torch.no_grad())",
            )
        outcome = TENSOR(got["grads"], ref["grads"], reveal)
        if not outcome.passed:
            return outcome.within(f"the gradients flowing back to {through}")
        return Outcome(1.0, "values and gradients match")

    return check


# ----------------------------------------------------------------------------- VAE architecture
def probe_vae(ns: dict[str, Any], seed: int, n: int, **sizes: int) -> dict[str, Any]:
    import torch

    model, shapes = fixed_model(ns, seed, **sizes)
    rng = np.random.default_rng(seed + 1)
    n_pixels, latent = sizes.get("n_pixels", 64), sizes.get("latent", LATENT)
    x = tensor(rng.uniform(0, 1, (n, n_pixels)))
    eps = tensor(rng.normal(size=(n, latent)))
    z = tensor(rng.normal(size=(n, latent)))
    stored = getattr(model, "latent", None)
    with torch.no_grad():
        return {
            "parameters": shapes,
            "latent": stored if type(stored) is int else None,
            "encode": model.encode(x),
            "decode": model.decode(z),
            "forward": model(x, eps),
        }


def check_vae(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict) or not isinstance(got.get("parameters"), dict):
        return Outcome(0.0, "unexpected result")
    if got["parameters"] != ref["parameters"]:
        expected = ", ".join(f"{k} {tuple(v)}" for k, v in ref["parameters"].items())
        found = ", ".join(f"{k} {tuple(v)}" for k, v in got["parameters"].items())
        return Outcome(
            0.0,
            "the parameters (names and shapes) must be those of self.encoder and self.decoder as "
            "the notebook writes them, for the sizes passed in",
            f"expected {expected}; got {found}",
        )
    if got.get("latent") != ref["latent"]:
        return Outcome(0.0, "store the latent size as self.latent = latent")
    encoded, expected = got.get("encode"), ref["encode"]
    if (
        isinstance(encoded, list)
        and len(encoded) == 2
        and TENSOR(encoded[::-1], expected, reveal).passed
    ):
        return Outcome(0.0, "mu and logvar are swapped: the first latent columns are mu")
    decoded = checks.as_array(got.get("decode"))
    if (
        decoded is not None
        and decoded.shape == np.shape(ref["decode"])
        and TENSOR(
            decoded, 1.0 / (1.0 + np.exp(-np.asarray(ref["decode"], dtype=np.float64))), reveal
        ).passed
    ):
        return Outcome(
            0.0, "decode returns probabilities: return the decoder's logits (no sigmoid)"
        )
    causes = {
        "encode": "encode returns (mu, logvar), the two halves of self.encoder(x), mu first",
        "decode": "decode returns self.decoder(z), its logits",
        "forward": "forward returns (logits, mu, logvar), the logits decoding "
        "reparameterize(mu, logvar, eps)",
    }
    for part, cause in causes.items():
        outcome = TENSOR(got.get(part), ref[part], reveal)
        if not outcome.passed:
            return Outcome(
                0.0,
                f"with the grader's fixed weights, {part}: {outcome.message} ({cause})",
                outcome.detail,
            )
    return Outcome(1.0, "architecture and outputs match")


# ----------------------------------------------------------------------------- trained models, run here
def model_weights(model: Any) -> dict[str, Any]:
    """(sandbox) What a returned model is made of: its parameters by name and its mode."""
    state = getattr(model, "state_dict", None)
    if not callable(state):
        return {"parameters": None, "training": None}
    training = getattr(model, "training", None)
    return {
        "parameters": {name: value for name, value in sorted(state().items())},
        "training": training if type(training) is bool else None,
    }


def _linear(x: np.ndarray, weights: dict[str, np.ndarray], name: str) -> np.ndarray:
    return x @ weights[f"{name}.weight"].astype(np.float64).T + weights[f"{name}.bias"]


def encode(weights: dict[str, np.ndarray], x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(trusted) The notebook's encoder run on ``x``: (mu, logvar), the two halves of its output."""
    out = _linear(np.maximum(_linear(x, weights, "encoder.0"), 0.0), weights, "encoder.2")
    half = out.shape[1] // 2
    return out[:, :half], out[:, half:]


def decode(weights: dict[str, np.ndarray], z: np.ndarray) -> np.ndarray:
    """(trusted) The notebook's decoder run on ``z``: one logit per pixel."""
    return _linear(np.maximum(_linear(z, weights, "decoder.0"), 0.0), weights, "decoder.2")


def negative_elbo(x: np.ndarray, logits: np.ndarray, mu: np.ndarray, logvar: np.ndarray) -> float:
    """Mean over images of the Bernoulli reconstruction NLL plus the KL term, in nats (trusted NumPy)."""
    x = np.asarray(x, dtype=np.float64)
    reconstruction = (np.logaddexp(0.0, logits) - x * logits).sum(axis=1)
    kl = 0.5 * (np.exp(logvar) + mu**2 - 1.0 - logvar).sum(axis=1)
    return float(np.mean(reconstruction + kl))


def held_out_bound(weights: dict[str, np.ndarray], x: np.ndarray, noise_seed: int = 1234) -> float:
    """(trusted) The negative ELBO of ``x`` under the weights, with one draw of noise held here."""
    mu, logvar = encode(weights, x)
    eps = np.random.default_rng(noise_seed).normal(size=mu.shape).astype(np.float32)
    return negative_elbo(x, decode(weights, mu + np.exp(0.5 * logvar) * eps), mu, logvar)


def samples_from(weights: dict[str, np.ndarray], n: int, seed: int) -> np.ndarray:
    """(trusted) Pixel probabilities decoded from ``n`` draws of the prior N(0, I) made here."""
    z = np.random.default_rng(seed).normal(size=(n, LATENT)).astype(np.float32)
    return 1.0 / (1.0 + np.exp(-decode(weights, z)))


def weights_problem(got: Any, ref: Any) -> Outcome | None:
    """Why exported weights cannot be run as the notebook's default VAE(), or None."""
    if not isinstance(got, dict) or not isinstance(got.get("parameters"), dict):
        return Outcome(0.0, "train_vae must return the trained model (a VAE())")
    shapes = {k: list(np.shape(v)) for k, v in got["parameters"].items()}
    if shapes != {k: list(np.shape(v)) for k, v in ref["parameters"].items()}:
        return Outcome(
            0.0,
            "train_vae must return a VAE() with the default sizes (64 pixels, 128 hidden, 8 latent) "
            "and the layers self.encoder and self.decoder",
        )
    for value in got["parameters"].values():
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            return Outcome(0.0, "the trained model's parameters must be float tensors")
        if not np.all(np.isfinite(value)):
            return Outcome(
                0.0, "the trained model's weights hold NaN or inf: did training diverge?"
            )
    return None


def probe_trained(ns: dict[str, Any], seed: int, epochs: int = TRAIN_EPOCHS) -> dict[str, Any]:
    """Train on the fixed split; export the trained weights (the check runs them on held-out images)."""
    train, held_out = digit_split()
    return {**model_weights(ns["train_vae"](train, epochs, seed)), "x": held_out}


# Held-out negative ELBO (nats per image) computed here from the trained weights, 15 epochs, seeds
# 0-7: reference 24.87 - 25.20; right variants (seeds 0-3): DataLoader with its own generator
# 25.12 - 25.18, the prescribed order through a DataLoader 25.03 - 25.23. Independent-pixel baseline:
# 27.24. Wrong trainings (seeds 0-1): learning rate 3e-4 28.4 - 28.5, one batch of 1,400 per epoch
# 30.5 - 30.6, no zero_grad 31.7 - 32.0, beta = 0 (no KL) 84 - 89, no training 44.7. The threshold sits
# 0.8 above the worst reference run.
TRAINED_THRESHOLD = 26.0

# 200 samples decoded here from the trained weights (prior draws made here), 15 epochs, seeds 0-7:
# mean distance to the nearest held-out digit 1.34 - 1.38, mean distance between two samples
# 1.67 - 1.79 (right variants: 1.35 - 1.38 and 1.69 - 1.78); samples are pixel probabilities, so
# smoother than real digits: held-out digits lie 1.04 from the nearest training digit and 3.05 from each
# other. What must fail (seeds 0-1): beta = 0 training (nearest 1.81 - 1.84), no zero_grad
# (1.89 - 2.00), one batch per epoch (1.88 - 1.89, spread 0.53 - 0.57), lr 3e-4 (spread 0.55 - 0.65),
# no training (nearest 3.08, spread 0.51).
NEAREST_AT_MOST = 1.55
SPREAD_AT_LEAST = 1.3
N_SAMPLES = 200


def sample_statistics(samples: np.ndarray, real: np.ndarray) -> tuple[float, float]:
    """(mean distance from a sample to its nearest real image, mean distance between two samples)."""
    samples, real = samples.astype(np.float64), real.astype(np.float64)

    def distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.sqrt(
            np.maximum((a**2).sum(1)[:, None] + (b**2).sum(1)[None, :] - 2 * a @ b.T, 0.0)
        )

    nearest = distances(samples, real).min(axis=1).mean()
    between = distances(samples, samples)
    spread = between.sum() / (len(samples) * (len(samples) - 1))
    return float(nearest), float(spread)


def sample_quality(weights: dict[str, np.ndarray], real: np.ndarray) -> Outcome:
    nearest, spread = sample_statistics(samples_from(weights, N_SAMPLES, seed=8), real)
    values = f"nearest {nearest:.2f}, spread {spread:.2f}"
    if nearest > NEAREST_AT_MOST:
        return Outcome(
            0.0,
            f"samples from the prior lie too far from the nearest real digit (needs <= {NEAREST_AT_MOST}): "
            "they do not look like digits",
            values,
        )
    if spread < SPREAD_AT_LEAST:
        return Outcome(
            0.0,
            f"samples from the prior are too alike (mean distance needs >= {SPREAD_AT_LEAST}): "
            "the decoder ignores z",
            values,
        )
    return Outcome(1.0, "samples from the prior look like digits and vary", values)


def check_trained(threshold: float, *, with_samples: bool = False, context: str = "") -> Check:
    """The held-out negative ELBO, computed here from the trained weights, must be at most ``threshold``.

    ``with_samples``: a third of the points is for samples (decoded here) that look like digits.
    ``context`` says how the probe trained (for the message).
    """

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        problem = weights_problem(got, ref)
        if problem:
            return problem
        # the images come from the reference, never from the submission
        bound = held_out_bound(got["parameters"], ref["x"])
        passed = bound <= threshold
        needs = "is at most" if passed else "needs to be at most"
        message = (
            f"{context}the held-out negative ELBO (computed by the grader from your model's "
            f"weights) {needs} {threshold:g} nats per image"
        )
        detail = f"{bound:.2f} nats per image"
        if not with_samples:
            return Outcome(1.0 if passed else 0.0, message, detail)
        samples = sample_quality(got["parameters"], ref["x"])
        fraction = (2.0 * passed + samples.passed) / 3.0
        return Outcome(fraction, f"{message}; {samples.message}", f"{detail}; {samples.detail}")

    return check


# ----------------------------------------------------------------------------- sampling
def seed_global_state(seed: int) -> None:
    """The probe seeds the global generators itself, then checks they were left alone."""
    import torch

    torch.manual_seed(seed)
    np.random.seed(seed)
    random.seed(seed)


def global_draws() -> dict[str, Any]:
    import torch

    return {
        "torch": torch.rand(3),
        "numpy": np.random.random(3),
        "python": [random.random() for _ in range(3)],
    }


def probe_sampling(ns: dict[str, Any], seed: int, n: int, **sizes: int) -> dict[str, Any]:
    model = grader_model(7, **sizes)
    sample = ns["sample_images"]
    seed_global_state(1000 + seed)  # not the seed sample_images gets: re-seeding with that shows
    first = sample(model, n, seed)
    after = global_draws()
    return {
        "first": first,
        "requires_grad": bool(getattr(first, "requires_grad", False)),
        "global_after": after,
        "again": sample(model, n, seed),
        "other_seed": sample(model, n, seed + 1),
    }


def check_sampling(got: Any, ref: Any, reveal: bool) -> Outcome:
    """Valid images, reproducible with a seed, different for another seed, global state untouched,
    equal to the reference."""
    if not isinstance(got, dict):
        return Outcome(0.0, "unexpected result")
    shape = ref["first"].shape
    for key in ("first", "again", "other_seed"):
        value = got.get(key)
        if not isinstance(value, np.ndarray) or value.shape != shape:
            return Outcome(
                0.0, f"sample_images should return a tensor of shape {shape}, got {describe(value)}"
            )
        if not np.all(np.isfinite(value)) or value.min() < 0 or value.max() > 1:
            return Outcome(
                0.0,
                "samples must be pixel intensities in [0, 1]: apply the sigmoid to the decoder's logits",
            )
    if not np.array_equal(got["first"], got["again"]):
        return Outcome(
            0.0,
            "the same seed gave different samples: draw z with torch.Generator().manual_seed(seed)",
        )
    if np.array_equal(got["first"], got["other_seed"]):
        return Outcome(0.0, "another seed gave the same samples: is the seed used?")
    if not checks.equal()(got.get("global_after"), ref["global_after"], reveal).passed:
        return Outcome(
            0.0,
            "sample_images changed the global random state (torch.manual_seed, or torch.randn "
            "without generator=): draw z with its own torch.Generator().manual_seed(seed)",
        )
    problem = no_grad_problem(got, "the samples")
    if problem:
        return problem
    outcome = TENSOR(got["first"], ref["first"], reveal)
    if not outcome.passed:
        return Outcome(
            0.0,
            f"with the grader's fixed weights: {outcome.message} (z = torch.randn(n, model.latent, "
            "generator=...) from N(0, I), decoded, then the sigmoid)",
            outcome.detail,
        )
    return Outcome(1.0, "valid, reproducible samples that match the reference")


# ----------------------------------------------------------------------------- interpolation
def probe_interpolate(ns: dict[str, Any], seed: int, steps: int, **sizes: int) -> dict[str, Any]:
    model = grader_model(seed, **sizes)
    rng = np.random.default_rng(seed + 2)
    n_pixels = sizes.get("n_pixels", 64)
    x_a, x_b = tensor(rng.uniform(0, 1, n_pixels)), tensor(rng.uniform(0, 1, n_pixels))
    path = ns["interpolate"](model, x_a, x_b, steps)
    return {"path": path, "requires_grad": bool(getattr(path, "requires_grad", False))}


def check_interpolate(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict):
        return Outcome(0.0, "unexpected result")
    outcome = TENSOR(got.get("path"), ref["path"], reveal)
    if not outcome.passed:
        return Outcome(
            0.0,
            f"with the grader's fixed weights: {outcome.message} (decode (1 - t) * mu_a + t * mu_b "
            "for t = torch.linspace(0, 1, steps), then the sigmoid)",
            outcome.detail,
        )
    return no_grad_problem(got, "the interpolated images") or Outcome(1.0, "the path matches")


# ----------------------------------------------------------------------------- independent pixels
def probe_pixel_baseline(ns: dict[str, Any]) -> Any:
    train, held_out = digit_split()
    return ns["independent_pixel_nll"](train, held_out)


PIXEL_NLL = check_python_float("independent_pixel_nll", checks.close(rtol=1e-5, atol=1e-6))
TRAINING = ("VAE", "reparameterize", "elbo_loss", "bernoulli_nll", "gaussian_kl")


ITEMS = [
    Item(
        "gaussian_kl",
        1,
        probe=lambda ns: ns["gaussian_kl"](*gaussian_params(0, 5, 3)),
        check=TENSOR,
        requires=("gaussian_kl",),
        hint="KL = 0.5 * sum_j (exp(logvar_j) + mu_j^2 - 1 - logvar_j), one value per row (sum over dim 1).",
    ),
    Item(
        "reparameterize",
        1,
        probe=lambda ns: ns["reparameterize"](
            *gaussian_params(1, 4, 3), tensor(np.linspace(-1, 1, 12).reshape(4, 3))
        ),
        check=TENSOR,
        requires=("reparameterize",),
        hint="z = mu + exp(0.5 * logvar) * eps with the eps passed in: the standard deviation is exp(0.5 * logvar), not exp(logvar).",
    ),
    Item(
        "bernoulli_nll",
        1,
        probe=lambda ns: ns["bernoulli_nll"](*pixels_and_logits(2, 4)),
        check=TENSOR,
        requires=("bernoulli_nll",),
        hint="sum (not mean) over the 64 pixels of softplus(logit) - x * logit, one value per image.",
    ),
    Item(
        "elbo_loss",
        1,
        probe=lambda ns: ns["elbo_loss"](*pixels_and_logits(3, 6), *gaussian_params(3, 6, 8)),
        check=check_scalar_tensor,
        requires=("elbo_loss", "bernoulli_nll", "gaussian_kl"),
        uses=("bernoulli_nll", "gaussian_kl"),
        hint="the mean over the batch of (bernoulli_nll + beta * gaussian_kl), a scalar tensor (this uses your bernoulli_nll and gaussian_kl).",
    ),
    Item(
        "independent_pixel_nll",
        1,
        probe=probe_pixel_baseline,
        check=PIXEL_NLL,
        requires=("independent_pixel_nll",),
        hint="p_j = mean of pixel j over the training images, clipped to [1e-3, 1 - 1e-3]; sum the 64 pixel NLLs, average over test images; return a float.",
    ),
    Item(
        "VAE",
        2,
        probe=lambda ns: probe_vae(ns, seed=0, n=5, n_pixels=64, hidden=16, latent=3),
        check=check_vae,
        requires=("VAE", "reparameterize"),
        uses=("reparameterize",),
        hint="the encoder's last layer outputs 2 * latent numbers: the first half is mu, the second logvar.",
    ),
    Item(
        "train_vae",
        3,
        probe=lambda ns: probe_trained(ns, seed=0),
        check=check_trained(TRAINED_THRESHOLD, with_samples=True),
        requires=("train_vae", *TRAINING),
        uses=TRAINING,
        hint="Adam(lr=3e-3), batches of 64 from torch.randperm, elbo_loss with fresh eps each step, optimizer.zero_grad() before backward (this uses your VAE and loss functions).",
        timeout=60.0,
    ),
    Item(
        "sample_images",
        1,
        probe=lambda ns: probe_sampling(ns, seed=3, n=6, n_pixels=64, hidden=16, latent=3),
        check=check_sampling,
        requires=("sample_images",),
        hint="z = torch.randn(n, model.latent, generator=torch.Generator().manual_seed(seed)); return torch.sigmoid(model.decode(z)) under torch.no_grad().",
    ),
    Item(
        "interpolate",
        1,
        probe=lambda ns: probe_interpolate(ns, seed=4, steps=5, n_pixels=64, hidden=16, latent=3),
        check=check_interpolate,
        requires=("interpolate",),
        hint="interpolate the encoder means mu_a and mu_b (not the pixels), then decode and apply the sigmoid, under torch.no_grad().",
    ),
]
