"""A deterministic generator of full-size SIPRI trade registers, in the real format.

    python benchmarks/sipri_register.py --rows 30000 --out /tmp/register.csv
    python benchmarks/sipri_register.py --rows 30000 --edition 2 --out /tmp/register-2.csv

A real export is 3-4 MB, about 28-30k rows; this writes the same shape: the preamble with
its "Data generated" stamp, Latin-1, the blank-named '?' columns (about a third of rows
mark something uncertain), '; '-separated delivery years, orders with nothing delivered
yet and empty numbers, a row in 500 broken by a raw line break in Comments, SIPRI's names
for states (former ones too), armed groups (*), organisations (**) and unknown suppliers,
catalog designations and made-up ones, and money in comments in SIPRI's phrases.
Edition 2 is edition 1 revised as SIPRI revises: some rows gain deliveries, some have
their designation renamed or their year of order corrected, a number gains a '?', some
vanish, some are new, the order shifts, the rest stay word for word. About one row in 200
shares every key column (recipient, supplier, year, designation) with the row before it.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

STATES = [
    "Afghanistan", "Algeria", "Angola", "Argentina", "Armenia", "Australia", "Austria",
    "Azerbaijan", "Bangladesh", "Belarus", "Belgium", "Bolivia", "Bosnia-Herzegovina",
    "Brazil", "Brunei", "Bulgaria", "Burkina Faso", "Cambodia", "Cameroon", "Canada", "Chad",
    "Chile", "China", "Colombia", "Cote d'Ivoire", "Croatia", "Cuba", "Cyprus", "Czechia",
    "Denmark", "DR Congo", "Ecuador", "Egypt", "Eritrea", "Estonia", "Ethiopia", "Finland",
    "France", "Georgia", "Germany", "Ghana", "Greece", "Hungary", "India", "Indonesia", "Iran",
    "Iraq", "Israel", "Italy", "Japan", "Jordan", "Kazakhstan", "Kenya", "Kuwait",
    "Kyrgyzstan", "Laos", "Lebanon", "Libya", "Malaysia", "Mali", "Mexico", "Mongolia",
    "Morocco", "Mozambique", "Myanmar", "Namibia", "Nepal", "Netherlands", "Nicaragua",
    "Nigeria", "North Korea", "North Macedonia", "Norway", "Oman", "Pakistan", "Peru",
    "Philippines", "Poland", "Portugal", "Qatar", "Romania", "Russia", "Rwanda",
    "Saudi Arabia", "Serbia", "Singapore", "Slovakia", "South Africa", "South Korea",
    "South Sudan", "Spain", "Sri Lanka", "Sudan", "Sweden", "Switzerland", "Syria", "Taiwan",
    "Tajikistan", "Tanzania", "Thailand", "Turkiye", "Turkmenistan", "UAE", "Uganda",
    "Ukraine", "United Kingdom", "United States", "Uzbekistan", "Venezuela", "Viet Nam",
    "Yemen", "Zambia", "Zimbabwe", "Soviet Union", "Czechoslovakia", "East Germany (GDR)",
    "Yugoslavia", "North Yemen", "South Yemen", "Türkiye",
]  # fmt: skip
OTHERS = [
    "Libya HoR*", "Houthi rebels (Yemen)*", "Hezbollah (Lebanon)*", "UNITA (Angola)*",
    "Syria rebels*", "African Union**", "NATO**", "United Nations**", "unknown recipient(s)",
]  # fmt: skip
SUPPLIERS = [
    "Russia", "Soviet Union", "United States", "France", "Germany", "China", "United Kingdom",
    "Italy", "Israel", "Ukraine", "Spain", "Sweden", "Netherlands", "South Korea", "Turkiye",
    "Belarus", "Czechoslovakia", "Iran", "Switzerland", "Canada", "unknown supplier(s)",
]  # fmt: skip
KNOWN = [
    ("9M723 Iskander", "surface-to-surface missile"), ("9P78 Iskander", "SSM launcher"),
    ("S-400 Triumf", "SAM system"), ("Mi-17", "transport helicopter"),
    ("Mi-24", "combat helicopter"), ("Su-30MKI", "FGA aircraft"), ("MiG-29S", "FGA aircraft"),
    ("Yak-130", "trainer/combat aircraft"), ("96K9 Pantsyr-S1", "SP air-defence system"),
    ("Su-35", "FGA aircraft"), ("Patriot", "SAM system"), ("F-35", "FGA aircraft"),
]  # fmt: skip
KINDS = ["APC", "tank", "SAM", "anti-ship missile", "frigate", "radar", "ship engine",
         "transport aircraft", "light helicopter", "UAV", "artillery", "anti-tank missile"]
STATUS = ["New", "New", "New", "Second hand", "Second hand but modernized"]
PREAMBLE = (
    "Transfers of major conventional arms from All countries  to All countries . Deals with "
    "deliveries made for the year range 'Not specified' to 'Not specified' \n"
    "A '?' in a column indicates uncertain data. The 'Number delivered' and the 'Year(s) of "
    "deliveries' refer only to deliveries in the selected year(s).\n"
    "An empty field for 'Number ordered' indicates that data is not yet available.\n"
    "SIPRI trend-indicator values (TIVs) are in millions.\n"
    "Figures may not add up to stated totals due to the conventions of rounding.\n"
    "\n"
    "Source: SIPRI Arms Transfers Database (c) SIPRI.\n"
    "Data generated: {stamp}\n"
)
HEADER = (
    "Recipient,Supplier,Year of order, ,Number ordered, ,Weapon designation,Weapon description,"
    "Number delivered, ,Year(s) of delivery,status,Comments,SIPRI TIV per unit,"
    "SIPRI TIV for total order,SIPRI TIV of delivered weapons"
)


def _designation(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.3:
        return rng.choice(KNOWN)
    kind = rng.choice(KINDS)
    return f"{rng.choice('ABCDKMPRSTV')}{rng.choice('-')}{rng.randint(1, 400)}", kind


def _comment(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.05:
        return f"${rng.randint(10, 900)} m deal; {rng.choice(['for navy', 'incl training'])}"
    if roll < 0.07:
        low = rng.randint(10, 400)
        return f"${low}-{low + rng.randint(10, 300)} m deal (incl spares)"
    if roll < 0.08:
        return f"INR{rng.randint(10, 900)} b (${rng.randint(1, 9)}.{rng.randint(0, 9)} b) deal"
    if roll < 0.4:
        return rng.choice(["Second-hand", "Probably second-hand", "Aid",
                           "Ordered for use by peacekeepers; financed by UAE",
                           "Designation uncertain (reported as 'missiles')"])  # fmt: skip
    return ""


def rows(n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        recipient = rng.choice(STATES) if rng.random() < 0.97 else rng.choice(OTHERS)
        supplier = rng.choice(SUPPLIERS)
        year = rng.randint(1950, 2024)
        designation, description = _designation(rng)
        if out and rng.random() < 0.005:  # a second order alike in every key column
            recipient, supplier, year_text, _ = out[-1].split(",", 3)
            year = int(year_text)
            designation, description = out[-1].split(",")[6:8]
        ordered = rng.randint(1, 500) if rng.random() < 0.95 else None
        delivered_years: list[int] = []
        if rng.random() < 0.9 and ordered is not None:
            first = year + rng.randint(0, 3)
            delivered_years = sorted({min(first + k, 2024) for k in range(rng.randint(1, 4))})
        delivered = (ordered or 0) if delivered_years else 0
        unit = round(rng.uniform(0.01, 80), 2)
        comment = _comment(rng)
        out.append(",".join([
            recipient, supplier, str(year), "?" if rng.random() < 0.35 else "",
            "" if ordered is None else str(ordered), "?" if rng.random() < 0.3 else "",
            designation, description, str(delivered), "?" if rng.random() < 0.1 else "",
            "; ".join(str(y) for y in delivered_years), rng.choice(STATUS), comment,
            f"{unit:g}", "" if ordered is None else f"{unit * ordered:g}",
            f"{unit * delivered:g}" if delivered_years else "",
        ]))  # fmt: skip
    return out


def edition_two(first: list[str], seed: int = 2) -> list[str]:
    """Edition 1 revised as SIPRI revises: 3% gain a delivery year, 0.4% have their
    designation renamed, 0.1% their year of order corrected, a number gains a '?' in
    0.5%, 1% vanish, the rows are shuffled a little (SIPRI's order changes between
    editions) and 2% new rows are appended."""
    rng = random.Random(seed)
    out = []
    for row in first:
        roll = rng.random()
        fields = row.split(",")
        if roll < 0.01:
            continue
        if roll < 0.04 and fields[10]:
            last = int(fields[10].split("; ")[-1])
            fields[10] += f"; {min(last + 1, 2025)}"
        elif 0.04 <= roll < 0.044:  # "Mi-24P/Mi-35P" -> "Mi-24P"
            name = fields[6]
            fields[6] = name.split("/")[0] if "/" in name else f"{name}M"
        elif 0.044 <= roll < 0.045:
            fields[2] = str(int(fields[2]) + rng.choice((-1, 1)))
        elif 0.045 <= roll < 0.05 and fields[4]:
            fields[5] = "?"
        out.append(",".join(fields))
    for i in range(0, len(out) - 1, 97):  # neighbours trade places
        out[i], out[i + 1] = out[i + 1], out[i]
    return out + rows(len(first) // 50, seed=seed + 100)


def revise(first: list[str]) -> list[str]:
    """The second edition of ``first`` (see ``edition_two``)."""
    return edition_two(first)


def text(register_rows: list[str], stamp: str, broken_every: int = 500) -> str:
    lines = []
    for i, row in enumerate(register_rows):
        fields = row.split(",")
        if i % broken_every == broken_every - 1 and fields[12]:
            # a raw line break inside Comments, as a few real rows have
            cut = len(fields[12]) // 2
            row = ",".join(fields[:12]) + "," + fields[12][:cut] + "\n" + fields[12][cut:] + (
                "," + ",".join(fields[13:]))  # fmt: skip
        lines.append(row)
    return PREAMBLE.format(stamp=stamp) + HEADER + "\n" + "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--edition", type=int, choices=[1, 2], default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    first = rows(args.rows)
    chosen = first if args.edition == 1 else edition_two(first)
    stamp = "13 Mar 2025 10:02:49 AM" if args.edition == 1 else "10 Mar 2026 09:15:02 AM"
    args.out.write_bytes(text(chosen, stamp).encode("latin-1"))
    print(f"wrote {len(chosen)} rows to {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
