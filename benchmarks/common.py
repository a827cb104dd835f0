"""What the benchmarks share: a large plan built in code, timing with repetitions, peak memory, the machine."""

from __future__ import annotations

import datetime as dt
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from piano_xlsx.plan.loader import LoadedPlan, validate  # noqa: E402

SECTORS = 10


def large_plan_data(cards: int, items_per_section: int = 10, own_items: int | None = None) -> dict[str, Any]:
    """A plan of `cards` individual cards, each with two sections of objectives.

    The first section scores `items_per_section` organisational objectives shared by every card (20 points),
    the second `own_items` objectives of the card's own (80 points; as many as the first by default); texts
    differ from card to card, as they do in a real plan.
    """
    own_items = items_per_section if own_items is None else own_items
    shared = [{
        "id": f"org-{n}", "number": n,
        "title": f"Obiettivo organizzativo {n}: miglioramento dei tempi medi dei procedimenti dell'ente",
        "description": "Riduzione dei tempi medi di conclusione dei procedimenti rispetto all'anno precedente, "
                       "con monitoraggio trimestrale e pubblicazione dei dati in Amministrazione Trasparente.",
        "indicators": ["Tempo medio di conclusione dei procedimenti", "Numero di procedimenti monitorati"],
        "target": f"Riduzione del {5 + n}%", "deadline": "31.12.2025", "duration": "annual",
    } for n in range(1, items_per_section + 1)]
    sectors = [{"id": f"settore-{s}", "title": f"Settore {s} — Servizi al cittadino e affari generali",
                "responsabile": f"Responsabile {s}"} for s in range(1, SECTORS + 1)]
    evaluatees, card_list = [], []
    org_weight = 20 / items_per_section
    own_weight = 80 / own_items
    for n in range(1, cards + 1):
        sector = f"settore-{(n - 1) % SECTORS + 1}"
        evaluatees.append({"id": f"dip-{n:05d}", "name": f"Dipendente {n:05d}", "role": "Istruttore direttivo",
                           "sector": sector, "base": 2000 + n % 500})
        own = [{
            "number": items_per_section + k,
            "title": f"Obiettivo individuale {k} della scheda {n}: digitalizzazione del procedimento {k}",
            "description": f"Attivazione del servizio on line per il procedimento {k} dell'ufficio, con modulistica "
                           f"aggiornata, pagamenti elettronici e protocollazione automatica (scheda {n}).",
            "indicators": [f"Istanze presentate on line / istanze totali (procedimento {k})",
                           "Rispetto del termine di attivazione"],
            "target": "Almeno il 60% delle istanze on line", "deadline": "30.11.2025",
            "weight": own_weight,
        } for k in range(1, own_items + 1)]
        card_list.append({
            "id": f"scheda-{n:05d}", "title": f"Scheda {n:05d}", "evaluatee": f"dip-{n:05d}", "sector": sector,
            "evaluator": "Responsabile di Settore", "total": 100,
            "sections": [
                {"id": "org", "title": "Performance organizzativa", "total": 20,
                 "items": [{"ref": f"org-{k}", "weight": org_weight} for k in range(1, items_per_section + 1)]},
                {"id": "ind", "title": "Obiettivi individuali", "total": 80, "items": own},
            ],
        })
    return {
        "plan": {"id": "citta-grande-2025", "ente": "Città Metropolitana di Esempio",
                 "title": "Piano della Performance 2025", "year": 2025, "version": "1",
                 "act": "Delibera di Giunta n. 1 del 15/01/2025", "return_to": "personale@esempio.it",
                 "return_by": "31/03/2026"},
        "scales": [{"id": "quattro-dieci", "title": "Scala 4/6/8/10", "values": [
            {"value": 4, "label": "Non raggiunto"}, {"value": 6, "label": "Parzialmente raggiunto"},
            {"value": 8, "label": "Raggiunto"}, {"value": 10, "label": "Pienamente raggiunto"}]}],
        "default_scale": "quattro-dieci",
        "bands": [{"id": "fasce", "rounding": {"mode": "round", "decimals": 0}, "bands": [
            {"label": "Fino a 40", "max": 40, "percent": 0},
            {"label": "Da 41 a 50", "min": 40, "min_inclusive": False, "max": 50, "percent": 4},
            {"label": "Da 51 a 70", "min": 50, "min_inclusive": False, "max": 70, "percent": 6},
            {"label": "Da 71 a 85", "min": 70, "min_inclusive": False, "max": 85, "percent": 8},
            {"label": "Da 86 a 100", "min": 85, "min_inclusive": False, "max": 100, "percent": 10}]}],
        "default_bands": "fasce",
        "sectors": sectors,
        "evaluatees": evaluatees,
        "shared_objectives": shared,
        "cards": card_list,
    }


def large_plan(cards: int, items_per_section: int = 10, own_items: int | None = None) -> LoadedPlan:
    return validate(large_plan_data(cards, items_per_section, own_items), f"<piano di {cards} schede>")


def cold() -> None:
    """Empty every cache of the package (functools caches of its modules), so the next run starts as a user's first.

    Plans repeat their texts and cells, and the package measures or serialises each distinct one once: without
    this, the second repetition of a benchmark would reuse the first one's work and look faster than any real run.
    """
    for name, module in list(sys.modules.items()):
        if name == "piano_xlsx" or name.startswith("piano_xlsx."):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)) and hasattr(value, "cache_info"):
                    value.cache_clear()


def run_interleaved(candidates: dict[str, Callable[[], Any]], repeats: int,
                    setup: Callable[[], None] | None = None) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Run each candidate `repeats` times, alternating them so machine noise hits all alike.

    Returns wall seconds and CPU seconds of this process (children's CPU is not counted) per candidate.
    """
    wall: dict[str, list[float]] = {name: [] for name in candidates}
    cpu: dict[str, list[float]] = {name: [] for name in candidates}
    for round_ in range(repeats):
        order = list(candidates.items())
        if round_ % 2:
            order.reverse()
        for name, fn in order:
            if setup:
                setup()
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            cpu[name].append(time.process_time() - start_cpu)
            wall[name].append(time.perf_counter() - start)
    return wall, cpu


def describe(times: list[float], per: int = 1) -> str:
    """Median and min–max, in seconds, and per unit in milliseconds when `per` > 1."""
    med = statistics.median(times)
    text = f"median {med:8.3f} s  (min {min(times):.3f} – max {max(times):.3f})"
    if per > 1:
        text += f"  = {med / per * 1000:6.2f} ms each"
    return text


def ratio(ours: list[float], baseline: list[float]) -> float:
    return statistics.median(ours) / statistics.median(baseline)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        nproc = str(os.cpu_count())
    return {"date": dt.date.today().isoformat(), "nproc": nproc, "cpu": cpu,
            "python": platform.python_version(), "system": f"{platform.system()} {platform.release()}"}


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def parallel_capacity(n: int = 5_000_000) -> float:
    """How many cores are free now: time of two busy loops one after the other over their time in 2 processes.

    About 2 on an idle machine with 2 cores; about 1 when other work takes the second core, and then no
    `jobs=2` can be faster than `jobs=1`.
    """
    from concurrent.futures import ProcessPoolExecutor

    start = time.perf_counter()
    _burn(n)
    _burn(n)
    serial = time.perf_counter() - start
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_burn, [1, 1]))  # workers started outside the measurement
        start = time.perf_counter()
        list(pool.map(_burn, [n, n]))
        parallel = time.perf_counter() - start
    return serial / parallel


def print_machine() -> None:
    m = machine()
    print(f"{m['date']}  nproc {m['nproc']}  CPU {m['cpu']}  Python {m['python']}  {m['system']}")
    print(f"free cores now (two busy loops, serial time / time in 2 processes): {parallel_capacity():.2f}")
