"""`xspec results`: what a run's jobs produced, as tables, an HTML report, and figures for
how repeatable an experiment is. Reads run folders only; never writes into one.

- ``load``: run folders -> ``RunResults`` (one row per job: params, seed, state, metrics);
- ``metrics``: reading a job's metrics files (a JSON object, or a per-step CSV);
- ``table``: filtering, sorting and folding replicates into one row per sweep point;
- ``render``: text, CSV, JSON and markdown;
- ``compare``, ``repeatability``, ``tolerance``: how far two runs (or many) agree;
- ``html``, ``svg``: the self-contained report page.
"""
