"""Week 8's trusted checks compute the graded numbers themselves, in NumPy: they must agree with
PyTorch (in float64) on the notebook's architecture, and the recipe check must tell one Adam step
from anything else. The gate (tests/test_course.py) proves the items on the variants; these tests
pin the arithmetic the items rely on."""

from __future__ import annotations

import sys
from types import ModuleType

import numpy as np
import pytest

from tests.conftest import load_week_module

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def grading() -> ModuleType:
    module = load_week_module("week08", "grading")
    sys.modules["grading"] = module  # hidden_grading imports its helpers from it
    return module


@pytest.fixture(scope="module")
def hidden(grading: ModuleType) -> ModuleType:
    return load_week_module("week08", "hidden_grading")


def notebook_layers(seed: int) -> tuple[object, object, dict[str, np.ndarray]]:
    """The notebook's encoder and decoder (default sizes, float64, seeded) and their weights."""
    torch.manual_seed(seed)
    encoder = torch.nn.Sequential(
        torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 16)
    ).double()
    decoder = torch.nn.Sequential(
        torch.nn.Linear(8, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64)
    ).double()
    weights = {f"encoder.{k}": v.numpy() for k, v in encoder.state_dict().items()}
    weights |= {f"decoder.{k}": v.numpy() for k, v in decoder.state_dict().items()}
    return encoder, decoder, weights


def test_trusted_encoder_and_decoder_match_torch(grading: ModuleType) -> None:
    encoder, decoder, weights = notebook_layers(0)
    x = np.random.default_rng(1).uniform(0, 1, (7, 64))
    z = np.random.default_rng(2).normal(size=(7, 8))
    mu, logvar = grading.encode(weights, x)
    with torch.no_grad():
        out = encoder(torch.as_tensor(x)).numpy()
        logits = decoder(torch.as_tensor(z)).numpy()
    np.testing.assert_allclose(mu, out[:, :8], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(logvar, out[:, 8:], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grading.decode(weights, z), logits, rtol=1e-12, atol=1e-12)


def test_trusted_bound_is_the_negative_elbo_torch_computes(grading: ModuleType) -> None:
    encoder, decoder, weights = notebook_layers(3)
    x = np.random.default_rng(4).uniform(0, 1, (9, 64))
    x[:, :5] = 0.0
    eps = np.random.default_rng(1234).normal(size=(9, 8)).astype(np.float32)
    with torch.no_grad():
        mu, logvar = encoder(torch.as_tensor(x)).chunk(2, dim=1)
        z = mu + torch.exp(0.5 * logvar) * torch.as_tensor(eps, dtype=torch.float64)
        logits = decoder(z)
        reconstruction = torch.nn.functional.binary_cross_entropy_with_logits(
            logits, torch.as_tensor(x), reduction="none"
        ).sum(dim=1)
        kl = 0.5 * (logvar.exp() + mu**2 - 1 - logvar).sum(dim=1)
        expected = float((reconstruction + kl).mean())
    assert grading.held_out_bound(weights, x) == pytest.approx(expected, rel=1e-10)


def test_samples_are_probabilities_of_prior_draws_made_by_the_grader(grading: ModuleType) -> None:
    _, decoder, weights = notebook_layers(5)
    z = np.random.default_rng(8).normal(size=(4, 8)).astype(np.float32)
    with torch.no_grad():
        expected = torch.sigmoid(decoder(torch.as_tensor(z, dtype=torch.float64))).numpy()
    np.testing.assert_allclose(grading.samples_from(weights, 4, seed=8), expected, rtol=1e-10)


def test_a_model_that_reports_its_own_results_cannot_pass(grading: ModuleType) -> None:
    """Untrained weights score near 64 ln 2 whatever a forward would have claimed."""
    _, _, weights = notebook_layers(6)
    x = np.random.default_rng(7).uniform(0, 1, (20, 64))
    outcome = grading.check_trained(grading.TRAINED_THRESHOLD)(
        {"parameters": weights, "training": False}, {"parameters": weights, "x": x}, True
    )
    assert outcome.fraction == 0.0
    assert "needs to be at most 26" in outcome.message


def _step(before: dict[str, np.ndarray], sizes: dict[str, float]) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(9)
    return {
        k: v + sizes[k] * np.sign(rng.normal(size=v.shape)) if k in sizes else v
        for k, v in before.items()
    }


@pytest.mark.parametrize(
    ("scale", "expected"),
    [
        (1.0, None),  # one Adam step: every weight moves by lr exactly
        (0.0, "left the weights unchanged"),  # no step: a dropped batch, no optimizer.step()
        (0.1, "0.1 x lr"),  # one step with lr / 10
    ],
)
def test_one_adam_step_is_told_from_other_updates(
    hidden: ModuleType, scale: float, expected: str | None
) -> None:
    before = {k: np.zeros(4) for k in hidden.RECIPE_LAYERS}
    after = _step(before, dict.fromkeys(hidden.RECIPE_LAYERS, scale * hidden.LR))
    problem = hidden.one_step_problem(before, after, "64 images", "a hint")
    assert problem is None if expected is None else expected in problem


def test_two_steps_are_not_one(hidden: ModuleType) -> None:
    rng = np.random.default_rng(10)
    before = {k: np.zeros(50) for k in hidden.RECIPE_LAYERS}
    after = {k: hidden.LR * (np.sign(rng.normal(size=50)) + rng.uniform(-1, 1, 50)) for k in before}
    problem = hidden.one_step_problem(before, after, "64 images", "a hint")
    assert problem is not None and "exactly one step" in problem


def _adam_steps(
    hidden: ModuleType, steps: int
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Weights before and after ``steps`` steps of torch's Adam(lr=3e-3), each with its own gradient."""
    generator = torch.Generator().manual_seed(11)
    weights = {k: torch.zeros(50, requires_grad=True) for k in hidden.RECIPE_LAYERS}
    optimizer = torch.optim.Adam(weights.values(), lr=hidden.LR)
    before = {k: v.detach().numpy().copy() for k, v in weights.items()}
    for _ in range(steps):
        optimizer.zero_grad()
        for value in weights.values():
            value.grad = torch.randn(50, generator=generator)
        optimizer.step()
    return before, {k: v.detach().numpy().copy() for k, v in weights.items()}


def test_one_epoch_on_65_images_must_be_two_steps(hidden: ModuleType) -> None:
    """A batch of 64 then one of 1 is two steps; a loop whose batches are off by one takes one."""
    assert hidden.two_steps_problem(*_adam_steps(hidden, 2)) is None
    problem = hidden.two_steps_problem(*_adam_steps(hidden, 1))
    assert problem is not None and "one step of Adam; it must be two" in problem
    before, after = _adam_steps(hidden, 2)
    assert "unchanged" in (hidden.two_steps_problem(before, before) or "")
    after[hidden.RECIPE_LAYERS[0]][3] = np.nan  # the mean loss of an empty batch
    assert "not finite" in (hidden.two_steps_problem(before, after) or "")


def test_a_second_step_without_gradient_is_named(hidden: ModuleType) -> None:
    """An empty second batch: Adam's momentum alone moves every weight on by the same 0.67 lr."""
    weights = {k: torch.zeros(50, requires_grad=True) for k in hidden.RECIPE_LAYERS}
    before = {k: v.detach().numpy().copy() for k, v in weights.items()}
    optimizer = torch.optim.Adam(weights.values(), lr=hidden.LR)
    generator = torch.Generator().manual_seed(12)
    for gradient in (lambda v: torch.randn(v.shape, generator=generator), torch.zeros_like):
        optimizer.zero_grad()
        for value in weights.values():
            value.grad = gradient(value)
        optimizer.step()
    after = {k: v.detach().numpy() for k, v in weights.items()}
    problem = hidden.two_steps_problem(before, after)
    assert problem is not None and "second step had no gradient" in problem
    assert "1.67 x lr" in problem
