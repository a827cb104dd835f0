"""Are the evaluations differentiated? Mean, spread and share per band of each sector, and a histogram as PNG.

    python examples/differenziazione.py PLAN FOLDER [--public-key KEY] [-o istogramma.png]

The Nucleo di Valutazione checks that scores are not all alike; this is that check on collect's result, with
pandas (piano_xlsx.frames) and matplotlib (`pip install piano-xlsx[analysis]`). Try it on the demo's returns:
`piano-xlsx demo`, then `python examples/differenziazione.py demo-output/piano-esempio.yaml demo-output/restituite
--public-key demo-output/chiavi/piano-xlsx-pubblica.pem`.
"""

from __future__ import annotations

import argparse

import matplotlib

matplotlib.use("Agg")  # a file, no window: runs on a server or in CI as on a desktop

import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend
import pandas as pd  # noqa: E402

from piano_xlsx.collect import collect  # noqa: E402
from piano_xlsx.frames import cards_frame  # noqa: E402
from piano_xlsx.planfile import load_plan_file  # noqa: E402
from piano_xlsx.signing import load_public_key  # noqa: E402

# the statuses whose return counts and whose band is the score's (collect.status): an excluded card is scored too,
# but its band only says that it is excluded from the bonus
COUNTS = ["clean", "duplicate"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan")
    parser.add_argument("folder")
    parser.add_argument("--public-key")
    parser.add_argument("-o", "--output", default="istogramma.png")
    args = parser.parse_args()

    key = load_public_key(args.public_key) if args.public_key else None
    cards = cards_frame(collect(load_plan_file(args.plan), [args.folder], public_key=key, jobs=1))
    counted = cards[cards["status"].isin(COUNTS)].assign(share=lambda c: 100 * c["total"] / c["max"])
    print(f"Schede che valgono: {len(counted)} di {len(cards)} "
          f"(le altre: {', '.join(cards.loc[~cards['status'].isin(COUNTS), 'status'].astype(str)) or 'nessuna'})")

    by_sector = counted.groupby("sector", observed=True)["share"].agg(["count", "mean", "std", "min", "max"])
    print("\nPunteggio in % del massimo, per settore (std: dispersione; vuota con una sola scheda):")
    print(by_sector.round(1).to_string())

    bands = pd.crosstab(counted["sector"], counted["band"], normalize="index", dropna=False)
    print("\nQuota di schede per fascia, per settore:")
    print((100 * bands).round(0).to_string())
    overall = counted["band"].value_counts(normalize=True, sort=False)
    print("\nQuota di schede per fascia, in tutto l'ente:")
    print((100 * overall).round(0).to_string())

    figure, axes = plt.subplots(figsize=(7, 4), dpi=100)
    axes.hist(counted["share"].astype(float), bins=range(0, 105, 5), color="#1F4E78", edgecolor="white")
    axes.set_xlim(0, 100)
    axes.yaxis.get_major_locator().set_params(integer=True)  # a count of cards: no half cards
    axes.set_xlabel("Punteggio in % del massimo")
    axes.set_ylabel("Schede")
    axes.set_title("Distribuzione dei punteggi delle schede che valgono")
    figure.tight_layout()
    figure.savefig(args.output)
    print(f"\nIstogramma: {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
