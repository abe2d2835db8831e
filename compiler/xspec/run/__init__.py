"""Running compiled jobs and proving what ran: `xspec run`, `submit`, `jobs`, `verify`,
`reproduce` and `diff`.

Every run, local or on Slurm, lives in one folder, ``runs/<experiment>/<run id>/``:

    xspec-run.json              the run's manifest (written once, when it starts)
    bundle/project/...          copies of the spec files, xspec.lock, xspec.toml
    bundle/ir.json              the compiled IR the jobs came from
    bundle/<runner>             the exact script that ran each job (local runner or sbatch)
    logs/<index>.out            each job's standard output and error
    <index>/                    each job's folder: outputs and xspec-provenance.json
    ro-crate-metadata.json      the Process Run Crate, written once every job has ended

Jobs always run through the compiled job runner (``xspec.backends.runner``), so a local
run and a Slurm run set the same variables, seeds and argv. docs/running.md has the
details.
"""
