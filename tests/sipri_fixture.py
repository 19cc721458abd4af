"""Made-up SIPRI trade registers in the real format (its quirks, not its rows)."""

from __future__ import annotations

PREAMBLE = (
    "Transfers of major conventional arms from All countries  to All countries . Deals with "
    "deliveries made for the year range 'Not specified' to 'Not specified' \n"
    "A '?' in a column indicates uncertain data. The 'Number delivered' and the 'Year(s) of "
    "deliveries' refer only to deliveries in the selected year(s).\n"
) + """\
An empty field for 'Number ordered' indicates that data is not yet available.
SIPRI trend-indicator values (TIVs) are in millions.

Source: SIPRI Arms Transfers Database (c) SIPRI.
Data generated: {stamp}
"""

HEADER = (
    "Recipient,Supplier,Year of order, ,Number ordered, ,Weapon designation,Weapon description,"
    "Number delivered, ,Year(s) of delivery,status,Comments,SIPRI TIV per unit,"
    "SIPRI TIV for total order,SIPRI TIV of delivered weapons"
)

# Edition 1: every quirk. Row by row: uncertain year and numbers; a delivery list; an
# order with nothing delivered and no number yet; a row broken by a raw line break in its
# comments; a former state; an armed group with its country; an international
# organisation; an unknown supplier; a Latin-1 name (Türkiye); money in a comment, as a
# range and in two currencies; a designation the catalog lacks.
ROWS_1 = [
    "Armenia,Russia,2013,?,25,?,9M723 Iskander,surface-to-surface missile,25,,2016,New,,3,75,75",
    "Algeria,Russia,2015,,40,,Kornet,anti-tank missile,30,?,2017; 2018; 2019,New,"
    "Kornet-E version,0.04,1.6,1.2",
    "Myanmar,Russia,2022,?,,,96K9 Pantsyr-S1,self-propelled air-defence system,0,,,New,,11,0,0",
    "Ruritania Army*,Russia,2021,,3,,Mi-17,transport helicopter,3,,2021,Second hand,"
    "Cummins (275hp) engines for 3 Mi-17\nfrom Kazakhstan,7.25,21.75,21.75",
    "Syria,Soviet Union,1986,,90,?,P-35,anti-ship missile,90,,1987,New,,1.45,130.5,130.5",
    "Houthi rebels (Yemen)*,Iran,2016,?,50,?,Toophan,anti-tank missile,50,?,2016; 2017,New,,"
    "0.02,1,1",
    "African Union**,Belarus,2019,,2,,Mi-24,combat helicopter,2,,2020,Second hand,"
    "For peacekeeping forces,10,20,20",
    "Nigeria,unknown supplier(s),2008,?,4,,Mi-17,transport helicopter,4,,2009,Second hand,\n"
    ",2.9,11.6,11.6",
    "Türkiye,Russia,2017,,2,?,S-400 Triumf,SAM system,2,,2019,New,"
    "$2.5 b deal (incl 4 batteries); Turkish components,65,130,130",
    "India,Russia,2018,,10,,S-400 Triumf,SAM system,6,,2021; 2022; 2023,New,"
    "INR390 b ($5.4 b) deal; delivery planned 2021-2026,65,650,390",
    "Turkiye,Russia,2008,,800,,Kornet,anti-tank missile,800,,2009; 2010,New,"
    "$60-100 m deal (incl 80 launchers),0.04,32,32",
]
# Ruritania is made up: the test's names file does not know it, so ROWS_1 swaps it for a
# real group before use (see register()). Kept here to test the unknown-name error.
REAL_GROUP = "Donbas militia (Ukraine)*"

# Edition 2: SIPRI revised the Algeria row (more delivered, a year added), dropped the
# Nigeria row, added a Syria row, and kept the rest word for word.
ROWS_2 = [
    row.replace("30,?,2017; 2018; 2019", "40,,2017; 2018; 2019; 2020").replace(",1.2", ",1.6")
    if row.startswith("Algeria")
    else row
    for row in ROWS_1
    if not row.startswith("Nigeria")
] + ["Syria,Russia,2020,?,6,?,MiG-29S,FGA aircraft,6,,2020,Second hand,Second-hand,11.4,68.4,68.4"]


def register(rows: list[str], stamp: str | None = "13 Mar 2025 10:02:49 AM",
             unknown: bool = False) -> str:
    """A register's text: the preamble (none when ``stamp`` is None), header and rows."""
    body = [r if unknown else r.replace("Ruritania Army*", REAL_GROUP) for r in rows]
    top = PREAMBLE.format(stamp=stamp) if stamp is not None else ""
    return top + HEADER + "\n" + "\n".join(body) + "\n"


def row_key(rows: list[str], words: str, stamp: str = "13 Mar 2025 10:02:49 AM") -> str:
    """The id of the one fixture row whose id starts with ``words`` (recipient, supplier,
    year, designation), as the project derives it from the row's content."""
    import tempfile
    from pathlib import Path

    from armstimeline.registers import content_ids, read_register

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.csv"
        path.write_bytes(register(rows, stamp).encode("latin-1"))
        read, problems = read_register(path)
    assert read is not None, problems
    found = [k for k in content_ids(read.rows) if k.startswith(f"{words}-")]
    assert len(found) == 1, (words, found)
    return found[0]
