"""Week 8 rules: every rule the notebook states, the items whose inputs exercise it, and the
wrong variants (``variants.py``) that break it. The release gate checks each quote is in the
student notebook and that some listed variant loses points on some listed item."""

from __future__ import annotations

from autograder.spec import Rule

PIXELS = (
    "independent_pixel_nll",
    "independent_pixel_nll.hidden",
    "independent_pixel_nll.edge_cases",
)
KL = ("gaussian_kl", "gaussian_kl.hidden")
REPARAMETERIZE = ("reparameterize", "reparameterize.hidden")
NLL = ("bernoulli_nll", "bernoulli_nll.hidden", "bernoulli_nll.edge_cases")
ELBO = ("elbo_loss", "elbo_loss.hidden")
MODEL = ("VAE", "VAE.hidden", "VAE.defaults")
TRAIN = ("train_vae", "train_vae.hidden", "train_vae.recipe")
SAMPLE = ("sample_images", "sample_images.hidden")
INTERPOLATE = ("interpolate", "interpolate.hidden")

RULES = [
    # ------------------------------------------------------------------ independent pixels
    Rule(
        "independent_pixel_nll",
        "Its likelihood for an image with intensities `x_j` in `[0, 1]` is the **Bernoulli** "
        "(binary cross-entropy) formula",
        PIXELS,
        ("independent_pixel_nll:pixel_nll_binarised",),
    ),
    Rule(
        "independent_pixel_nll",
        "fit `p_j` as the **mean of pixel `j` over the training images**",
        PIXELS,
        ("independent_pixel_nll:pixel_nll_fit_on_test",),
    ),
    Rule(
        "independent_pixel_nll",
        "clip it into `[1e-3, 1 - 1e-3]`",
        ("independent_pixel_nll.edge_cases",),
        ("independent_pixel_nll:pixel_nll_unclipped", "independent_pixel_nll:pixel_nll_clip_tiny"),
    ),
    Rule(
        "independent_pixel_nll",
        "return the **mean over test images** of the sum above",
        PIXELS,
        (
            "independent_pixel_nll:pixel_nll_mean_over_pixels",
            "independent_pixel_nll:pixel_nll_summed_over_images",
            "independent_pixel_nll:pixel_nll_faked",
        ),
    ),
    Rule(
        "independent_pixel_nll",
        "as a Python `float`",
        PIXELS,
        ("independent_pixel_nll:pixel_nll_tensor",),
    ),
    # ------------------------------------------------------------------ KL
    Rule(
        "gaussian_kl",
        "`0.5 * sum_j (exp(logvar_j) + mu_j**2 - 1 - logvar_j)`",
        KL,
        ("gaussian_kl:kl_without_half", "gaussian_kl:kl_mean_over_dims", "gaussian_kl:kl_faked"),
    ),
    Rule(
        "gaussian_kl",
        "**one value per row** (shape `(batch,)`)",
        KL,
        ("gaussian_kl:kl_summed_over_batch", "gaussian_kl:kl_keepdim"),
    ),
    # ------------------------------------------------------------------ reparameterisation
    Rule(
        "reparameterize",
        "`z = mu + exp(0.5 * logvar) * eps` (the standard deviation is `exp(0.5 * logvar)`)",
        REPARAMETERIZE,
        ("reparameterize:reparameterize_with_variance", "reparameterize:reparameterize_faked"),
    ),
    Rule(
        "reparameterize",
        "`eps` is passed in so the function is deterministic",
        REPARAMETERIZE,
        ("reparameterize:reparameterize_draws_own_noise",),
    ),
    Rule(
        "reparameterize",
        "gradients flow through `mu` and `logvar`",
        ("reparameterize.hidden",),
        ("reparameterize:reparameterize_detached",),
    ),
    # ------------------------------------------------------------------ Bernoulli NLL
    Rule(
        "bernoulli_nll",
        "per image, the **sum** over pixels of the binary cross-entropy",
        NLL,
        ("bernoulli_nll:nll_mean_over_pixels", "bernoulli_nll:nll_faked"),
    ),
    Rule(
        "bernoulli_nll",
        "between intensities `x` and `sigmoid(logits)`, shape `(batch,)`",
        NLL,
        ("bernoulli_nll:nll_arguments_swapped", "bernoulli_nll:nll_summed_over_batch"),
    ),
    Rule(
        "bernoulli_nll",
        "Compute it from the logits in a **numerically stable** way",
        ("bernoulli_nll.edge_cases",),
        ("bernoulli_nll:nll_naive_sigmoid",),
    ),
    Rule(
        "bernoulli_nll",
        "stays finite for logits of ±100",
        ("bernoulli_nll.edge_cases",),
        ("bernoulli_nll:nll_naive_sigmoid", "bernoulli_nll:nll_clamped_probabilities"),
    ),
    # ------------------------------------------------------------------ ELBO
    Rule(
        "elbo_loss",
        "the **mean over the batch** of `bernoulli_nll + beta * gaussian_kl`",
        ELBO,
        (
            "elbo_loss:elbo_kl_subtracted",
            "elbo_loss:elbo_summed_over_batch",
            "elbo_loss:elbo_ignores_beta",
            "elbo_loss:elbo_faked",
        ),
    ),
    Rule(
        "elbo_loss",
        "a scalar tensor computed with torch operations, so that gradients flow back to `logits`, "
        "`mu` and `logvar`",
        ELBO,
        ("elbo_loss:elbo_returns_float", "elbo_loss:elbo_via_numpy"),
    ),
    # ------------------------------------------------------------------ the model
    Rule(
        "VAE",
        "`VAE(n_pixels=64, hidden=128, latent=8)`",
        MODEL,
        ("VAE:VAEFixedSizes",),
    ),
    Rule(
        "VAE",
        "an `nn.Module` with **exactly** these two attributes (the grader loads its own weights into "
        "them by name, so names and shapes matter)",
        MODEL,
        ("VAE:VAESeparateHeads",),
    ),
    Rule(
        "VAE",
        "`self.decoder = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, n_pixels))`",
        MODEL,
        ("VAE:VAEWithoutHiddenReLU",),
    ),
    Rule("VAE", "and store `self.latent = latent`", MODEL, ("VAE:VAEWithoutLatent",)),
    Rule(
        "VAE",
        "**the first `latent` columns are `mu`**",
        MODEL,
        ("VAE:VAESwappedHalves",),
    ),
    Rule(
        "VAE",
        "`decode(z)` returns the decoder's **logits** (no sigmoid)",
        MODEL,
        ("VAE:VAEDecodeSigmoid",),
    ),
    Rule(
        "VAE",
        "`forward(x, eps)` returns `(logits, mu, logvar)` where the logits decode "
        "`reparameterize(mu, logvar, eps)`",
        MODEL,
        ("VAE:VAEForwardDecodesMu", "VAE:VAEFaked"),
    ),
    # ------------------------------------------------------------------ training
    Rule(
        "train_vae",
        "returns a trained `VAE()` (default sizes) in `eval()` mode",
        TRAIN,
        ("train_vae:train_small_model", "train_vae:train_left_in_train_mode"),
    ),
    Rule(
        "train_vae",
        "call `seed_everything(seed)` **first**, then create the model",
        ("train_vae.recipe",),
        (
            "train_vae:train_without_seed",
            "train_vae:train_seeds_after_model",
            "train_vae:train_ignores_seed",
        ),
    ),
    Rule(
        "train_vae",
        "`torch.optim.Adam(model.parameters(), lr=3e-3)`",
        TRAIN,
        ("train_vae:train_too_slowly",),
    ),
    Rule(
        "train_vae",
        "each epoch, shuffle with `order = torch.randperm(len(images))`",
        ("train_vae.hidden",),
        ("train_vae:train_never_shuffles",),
    ),
    Rule(
        "train_vae",
        "walk through it in mini-batches of 64 (the last one smaller)",
        TRAIN,
        (
            "train_vae:train_full_batch",
            "train_vae:train_batches_of_32",
            "train_vae:train_drops_last_batch",
        ),
    ),
    Rule(
        "train_vae",
        "compute `elbo_loss` (beta 1), then `zero_grad`, `backward`, `step`",
        TRAIN,
        ("train_vae:train_without_zero_grad", "train_vae:train_without_kl"),
    ),
    Rule(
        "train_vae",
        "your `forward` plays no part in this grade",
        TRAIN,
        ("train_vae:train_faked",),
    ),
    Rule(
        "train_vae",
        "the negative ELBO on the 397 held-out images must be at most **26.0 nats per image**",
        ("train_vae",),
        ("train_vae:train_too_slowly", "train_vae:train_full_batch"),
    ),
    Rule(
        "train_vae",
        "200 samples it decodes from `z ~ N(0, I)` must look like digits",
        ("train_vae",),
        ("train_vae:train_without_kl",),
    ),
    Rule(
        "train_vae",
        "after training on the training images **sorted by digit**, the negative ELBO on the held-out "
        "0s, 1s and 2s must be at most **25.5**",
        ("train_vae.hidden",),
        ("train_vae:train_never_shuffles",),
    ),
    Rule(
        "train_vae",
        "one epoch on 64 images is exactly one Adam step (which moves every weight by `lr`, 3e-3)",
        ("train_vae.recipe",),
        ("train_vae:train_batches_of_32", "train_vae:train_too_slowly"),
    ),
    Rule(
        "train_vae",
        "so is one epoch on 40 images (the smaller batch is trained on too)",
        ("train_vae.recipe",),
        ("train_vae:train_drops_last_batch",),
    ),
    Rule(
        "train_vae",
        "one epoch on 65 images is two steps (a batch of 64, then the last image on its own)",
        ("train_vae.recipe",),
        ("train_vae:train_batches_of_65", "train_vae:train_full_batch"),
    ),
    # ------------------------------------------------------------------ sampling
    Rule(
        "sample_images",
        "draw `z = torch.randn(n, model.latent, generator=torch.Generator().manual_seed(seed))` "
        "from the prior",
        SAMPLE,
        ("sample_images:sample_from_uniform", "sample_images:sample_latent_of_eight"),
    ),
    Rule(
        "sample_images",
        "return the **pixel probabilities** `torch.sigmoid(logits)`, shape `(n, 64)`, values in `[0, 1]`",
        SAMPLE,
        ("sample_images:sample_logits", "sample_images:sample_faked"),
    ),
    Rule(
        "sample_images",
        "The same seed must give the same images",
        SAMPLE,
        ("sample_images:sample_ignoring_seed",),
    ),
    Rule(
        "sample_images",
        "do not touch the global random state",
        SAMPLE,
        ("sample_images:sample_seeds_global_state",),
    ),
    Rule(
        "sample_images",
        "Use `torch.no_grad()` in both (or detach the result)",
        SAMPLE,
        ("sample_images:sample_with_gradients",),
    ),
    # ------------------------------------------------------------------ interpolation
    Rule(
        "interpolate",
        "take their **means** `mu_a`, `mu_b`",
        INTERPOLATE,
        ("interpolate:interpolate_sampled_codes",),
    ),
    Rule(
        "interpolate",
        "walk along the straight line `z_t = (1 - t) * mu_a + t * mu_b` for "
        "`t = torch.linspace(0, 1, steps)`",
        INTERPOLATE,
        ("interpolate:interpolate_reversed",),
    ),
    Rule(
        "interpolate",
        "return the decoded probabilities, shape `(steps, 64)`",
        INTERPOLATE,
        ("interpolate:interpolate_logits", "interpolate:interpolate_faked"),
    ),
    Rule(
        "interpolate",
        "interpolating pixels would just cross-fade",
        INTERPOLATE,
        ("interpolate:interpolate_pixels",),
    ),
    Rule(
        "interpolate",
        "Use `torch.no_grad()` in both (or detach the result)",
        INTERPOLATE,
        ("interpolate:interpolate_with_gradients",),
    ),
]
