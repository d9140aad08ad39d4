"""Back-office benchmark: the lead list and a lead's page with 100,000 inquiries.

Seeds a fresh database (the shipped directory, 8 staff accounts, N inquiries spread over three
years, ten matches and a short trail on a few hundred of them) with bulk inserts, signs in through
the real form, then times each page through Flask's test client (the whole app: routing, the
staff guard, SQL, templates) and prints p50 and p95 per scenario, with the machine.

    .venv/bin/python benchmarks/lead_list.py                      # SQLite file in a temp folder
    .venv/bin/python benchmarks/lead_list.py --database-url postgresql://postgres@127.0.0.1/bench

The database named by --database-url is emptied first and after (every table is dropped; --keep
leaves the data to inspect).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.models import Activity, Inquiry, Match, Organization, Status, email_key
from matchmaker.services import accounts, directory, search

PASSWORD = "benchmark password 123"
CHUNK = 5000
FIRST = [
    "Aiko",
    "Bruno",
    "Chen",
    "Dana",
    "Émile",
    "Fatima",
    "Giulia",
    "Hans",
    "Ines",
    "Jonas",
    "Kenji",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
]
LAST = [
    "Tanaka",
    "Costa",
    "Wei",
    "Smith",
    "Durand",
    "Zahra",
    "Rossi",
    "Müller",
    "García",
    "Berg",
    "Sato",
    "Novak",
    "López",
    "Haddad",
]
COUNTRIES = ["JP", "US", "CN", "DE", "FR", "GB", "IN", "CA", "KR", "BR", "NL", "CH", "IT", "ES",
             "SE", "MA", "AE", "SG", "AU", "IL"]  # fmt: skip
SECTORS = ["life-sciences", "aerospace", "cleantech", "energy", "logistics", "agrifood",
           "digital", "materials", "engineering"]  # fmt: skip
TOPICS = ["cell and gene therapy manufacturing", "satellite components", "battery recycling",
          "a warehouse near Liège airport", "frozen vegetables processing", "AI start-ups",
          "green hydrogen electrolysers", "composite materials for aircraft", "biostimulants",
          "a CDMO for viral vectors", "cold chain logistics for pharma", "cybersecurity",
          "glass and coatings", "machine vision for inspection", "medtech devices"]  # fmt: skip
TOPICS_FR = ["la fabrication de thérapies cellulaires", "des composants de satellites",
             "le recyclage de batteries", "un entrepôt près de l'aéroport de Liège",
             "l'hydrogène vert et ses électrolyseurs", "des légumes surgelés",
             "des matériaux composites pour l'aviation", "la cybersécurité",
             "un CDMO de vecteurs viraux", "la chaîne du froid pharmaceutique"]  # fmt: skip
STATUS_WEIGHTS = {Status.NEW: 30, Status.QUALIFIED: 15, Status.INTRODUCED: 12,
                  Status.IN_DISCUSSION: 10, Status.WON: 5, Status.LOST: 15,
                  Status.NOT_RELEVANT: 8, Status.SPAM: 5}  # fmt: skip
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def code_for(number: int) -> str:
    """A unique WM- code per row (random codes would collide a few times in 100,000)."""
    chars = []
    for _ in range(6):
        number, digit = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[digit])
    return "WM-" + "".join(reversed(chars))


def seed(count: int, detailed: int, rng: random.Random) -> dict:
    """Fill the empty database; returns what the scenarios need."""
    started = time.perf_counter()
    directory.apply_import(
        directory.plan_import(directory.parse_csv(directory.shipped_directory()))
    )
    users = [accounts.create_user(f"staff{n}@agency.be", f"Staff {n}", PASSWORD) for n in range(8)]
    db.session.commit()
    user_ids = [user.id for user in users]
    org_ids = list(db.session.scalars(sa.select(Organization.id)))
    now = datetime.now(UTC)
    statuses, weights = zip(*STATUS_WEIGHTS.items(), strict=True)
    rows = []
    for number in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        lang = rng.choice(["en", "fr"])
        topics, sentence = ((TOPICS_FR, "Nous cherchons {} et {}.") if lang == "fr"
                            else (TOPICS, "We look for {} and {}."))  # fmt: skip
        created = now - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
        status = rng.choices(statuses, weights)[0]
        row = (
            {
                "reference": f"bench-{number:08d}-{rng.getrandbits(64):016x}",
                "code": code_for(number),
                "name": f"{first} {last}",
                "email": f"{first.lower()}.{last.lower()}{number}@example.com",
                "organization": f"{last} {rng.choice(['Capital', 'Partners', 'Industries', 'Bio'])}"
                f" {number % 5000}",
                "role": "Director",
                "country": rng.choice(COUNTRIES),
                "investor_type": "investment-fund",
                "sectors": tuple(rng.sample(SECTORS, rng.randint(1, 2))),
                "offers": ("equity-investment",),
                "interests": sentence.format(rng.choice(topics), rng.choice(topics)),
                "lang": lang,
                "consent_at": created,
                "consent_version": "2026-11",
                "share_consent": rng.random() < 0.7,
                "status": status.value,
                "lost_reason": "Chose another region" if status == Status.LOST else "",
                "assignee_id": rng.choice(user_ids) if rng.random() < 0.8 else None,
                "needs_ranking": rng.random() < 0.01,
                "created_at": created,
                "updated_at": created,
                "version": 1,
            }
        )
        # Bulk inserts skip the ORM's hooks and validators: the search terms and the normalized
        # address are written here as they would be.
        rows.append(row | {"search_terms": search.terms_of(Inquiry, SimpleNamespace(**row)),
                           "email_normalized": email_key(row["email"])})  # fmt: skip
        if len(rows) == CHUNK:
            db.session.execute(sa.insert(Inquiry), rows)
            rows = []
    if rows:
        db.session.execute(sa.insert(Inquiry), rows)
    db.session.commit()
    inserted = time.perf_counter() - started

    lead_ids = rng.sample(range(1, count + 1), detailed)
    matches, trail = [], []
    for lead_id in lead_ids:
        for rank, org_id in enumerate(rng.sample(org_ids, 10), start=1):
            matches.append({"inquiry_id": lead_id, "organization_id": org_id, "rank": rank,
                            "score": round(0.9 - rank * 0.05, 3), "source": "engine",
                            "explanation": {"terms": ["manufacturing", "gmp"],
                                            "sectors": ["life-sciences"], "offers": []},
                            "engine_version": "bench", "directory_version": 1,
                            "created_at": now})  # fmt: skip
        for step in range(10):
            trail.append({"inquiry_id": lead_id, "user_id": rng.choice(user_ids), "kind": "note",
                          "detail": {"text": f"Call {step}"}, "created_at": now})  # fmt: skip
    db.session.execute(sa.insert(Match), matches)
    db.session.execute(sa.insert(Activity), trail)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # What autovacuum does a while after a bulk load: statistics, and the visibility map
        # that lets counts and the country list read indexes alone.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE inquiry")
    return {"user_ids": user_ids, "detailed": lead_ids, "seconds": inserted,
            "code": code_for(count // 2)}  # fmt: skip


def timed(client, path: str, runs: int) -> list[float]:
    for _ in range(2):  # warm caches and the first-request work
        assert client.get(path).status_code == 200, path
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def machine(engine: sa.Engine) -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            server = "SQLite " + connection.exec_driver_sql("select sqlite_version()").scalar()
        else:
            server = connection.exec_driver_sql("show server_version").scalar()
            server = f"PostgreSQL {server}"
    return (f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {server}, "
            f"{platform.system()} {platform.release()}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an empty database to fill (default: SQLite file)")
    parser.add_argument("--count", type=int, default=100_000, help="inquiries to seed")
    parser.add_argument("--detailed", type=int, default=200, help="leads with matches and trail")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per scenario")
    parser.add_argument("--keep", action="store_true", help="leave the seeded data in the database")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="lead-bench-")  # the default SQLite file, removed after
    url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
    app = create_app({"TESTING": True, "DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                      "OUTBOX_SEND_AFTER_COMMIT": False})  # fmt: skip
    rng = random.Random(2026)
    with app.app_context():
        db.drop_all()
        db.create_all()
        seeded = seed(args.count, args.detailed, rng)
        total = db.session.scalar(sa.select(sa.func.count(Inquiry.id)))
        print(f"{machine(db.engine)}")
        print(f"seeded {total} inquiries in {seeded['seconds']:.1f} s on {db.engine.dialect.name}")
    client = app.test_client()
    response = client.post("/staff/login", data={"email": "staff0@agency.be",
                                                 "password": PASSWORD})  # fmt: skip
    assert response.status_code == 302, "sign-in failed"
    me = seeded["user_ids"][0]
    last_month = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
    scenarios = {
        "home (counts, my open leads)": "/staff/",
        "list, newest first": "/staff/leads",
        "list, page 1000": "/staff/leads?page=1000",
        "list, status new": "/staff/leads?status=new",
        "list, my open leads": f"/staff/leads?status=open&assignee={me}",
        "list, unassigned": "/staff/leads?assignee=none",
        "list, country + sector": "/staff/leads?country=JP&sector=aerospace",
        "list, last 30 days": f"/staff/leads?received_from={last_month}",
        "list, to re-rank": "/staff/leads?needs_ranking=y",
        "list, sorted by name": "/staff/leads?sort=name",
        "list, sorted by name, page 1000": "/staff/leads?sort=name&page=1000",
        "list, search a word": "/staff/leads?q=hydrogen",
        "list, search in French": "/staff/leads?q=hydrog%C3%A8ne",
        "list, search two words": "/staff/leads?q=warehouse+Li%C3%A8ge",
        "list, search a phrase": "/staff/leads?q=cell+therapy",
        "list, search a word, page 100": "/staff/leads?q=hydrogen&page=100",
        "list, search a word, newest first": "/staff/leads?q=hydrogen&sort=newest",
        "list, search, a status": "/staff/leads?q=hydrogen&status=new",
        "list, search a name": "/staff/leads?q=Tanaka+Aiko",
        "list, search an email": "/staff/leads?q=aiko.tanaka",
        "list, search a code": f"/staff/leads?q={seeded['code']}",
        "lead page (10 matches, trail)": f"/staff/leads/{seeded['detailed'][0]}",
    }
    print(f"{'scenario':32} {'p50 ms':>8} {'p95 ms':>8}")
    for name, path in scenarios.items():
        times = timed(client, path, args.runs)
        print(f"{name:32} {statistics.median(times):8.1f} {percentile(times, 0.95):8.1f}")
    with app.app_context():
        if args.database_url and not args.keep:
            db.drop_all()
        db.engine.dispose()
    if not args.keep:
        shutil.rmtree(folder)
    elif not args.database_url:
        print(f"kept {url}")


if __name__ == "__main__":
    main()
