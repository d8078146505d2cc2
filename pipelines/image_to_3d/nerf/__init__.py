"""A hash-grid radiance field (as Instant-NGP), split as nerfstudio does: field, sampler, renderer, trainer."""
