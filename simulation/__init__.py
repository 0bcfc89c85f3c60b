"""Synthetic communities for checking the community-health verdict (SPEC §4).

Not part of the runtime package: only the tests and the benchmarks import it.

- `simulation.community` (generator 1) grows communities from people and their choices, for
  the situations SPEC §4 lists (`simulation.scenarios`); `simulation.run` snapshots them with
  the real service and judges the labels.
- `simulation.independent` is a second generator, written separately from health-realism.md,
  with situations of its own: the independent check of the verdict.
- `python -m simulation` prints the accuracy of either.
"""
