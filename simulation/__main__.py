"""Measure how often the verdict is right on simulated communities.

    .venv/bin/python -m simulation                          # generator 1, 20 seeds, temporary SQLite
    .venv/bin/python -m simulation --generator independent  # the independent check
    .venv/bin/python -m simulation --database-url postgresql://postgres@127.0.0.1:5432/krug_sim --seeds 50

It builds the communities in a fresh database (refusing one that holds users), snapshots them
with the real service and prints, per scenario, how many final labels were right.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv=None):
    import config
    from community import create_app
    from community.auth.models import User
    from community.extensions import db

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--now", default="2026-11-15", help="the day the run pretends it is (ISO date)")
    parser.add_argument("--generator", choices=("community", "independent"), default="community")
    parser.add_argument("--only", help="comma-separated scenario names")
    parser.add_argument("--show-wrong", action="store_true")
    args = parser.parse_args(argv)

    tmp = None
    url = args.database_url
    if not url:
        tmp = tempfile.mkdtemp(prefix="krug-sim-")
        url = f"sqlite:///{tmp}/sim.sqlite"
    try:
        app = create_app({**config.TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": config.database_url(url)})
        with app.app_context():
            if db.inspect(db.engine).has_table("user") and db.session.scalar(db.select(db.func.count(User.id))):
                sys.exit("refusing: this database holds users; use an empty one")
            db.drop_all()
            db.create_all()
            now = datetime.fromisoformat(args.now).replace(tzinfo=UTC)
            seeds = range(args.first_seed, args.first_seed + args.seeds)
            if args.generator == "independent":
                from simulation import independent as generator
            else:
                from simulation import run as generator
                from simulation.scenarios import SCENARIOS as scenarios
            started = time.perf_counter()
            if args.generator == "independent":
                outcomes = generator.run(seeds, now, only=args.only.split(",") if args.only else None)
            else:
                chosen = {k: v for k, v in scenarios.items() if not args.only or k in args.only.split(",")}
                outcomes = generator.run(chosen, seeds, now)
            print(f"{args.generator} generator, {db.engine.dialect.name}, now {args.now}, {len(outcomes)} communities")
            print(generator.report(outcomes))
            print(f"({time.perf_counter() - started:.0f} s)")
            if args.show_wrong:
                for outcome in outcomes.values():
                    if not outcome.right:
                        print(f"--- {outcome.scenario} seed {outcome.seed}")
                        for shown, raw, explanation in list(
                            zip(outcome.labels, outcome.raw, outcome.explanations, strict=True)
                        )[-6:]:
                            facts = [(code, numbers) for code, numbers in explanation.get("raw_facts", [])]
                            warnings = [code for code, *_ in explanation.get("warnings", [])]
                            print(f"  {explanation.get('period')} {shown:<12} raw {raw:<12} {facts} {warnings}")
            db.session.remove()
            db.drop_all()
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("KRUG_ENV", "testing")
    sys.exit(main())
