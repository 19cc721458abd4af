"""What a register file is registered as: the scope it covers, the edition it is, and
what a reader of the import's report must know about the editions registered before."""

from __future__ import annotations

from datetime import date

from armstimeline.errors import Problem, ValidationError, did_you_mean, relpath, show_value
from armstimeline.model import Source
from armstimeline.registers import Register, RegisterRow, in_scope, names_match

__all__ = ["cautions", "edition_of", "import_scope", "said_names", "scope_words"]


def import_scope(
    register: Register, suppliers: list[str], recipients: list[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The suppliers and recipients the file is registered for: the filters given, else
    what the download says it covers; a filter value no row matches is an error (a typo
    would otherwise register nothing)."""
    problems = []
    for label, wanted, side in (("supplier", suppliers, 0), ("recipient", recipients, 1)):
        names = {row.supplier if side == 0 else row.recipient for row in register.rows}
        for value in wanted:
            if not any(names_match(n, value) for n in names):
                hint = did_you_mean(value, sorted(n.rstrip("*") for n in names))
                problems.append(Problem(relpath(register.path), None, f"--{label}",
                                        f"no {label} in this register is {show_value(value)}"
                                        f"{hint}"))  # fmt: skip
    if problems:
        raise ValidationError(problems)
    said = (register.suppliers, register.recipients)
    return tuple(suppliers) or said_names(said[0]), tuple(recipients) or said_names(said[1])


def said_names(text: str | None) -> tuple[str, ...]:
    """A preamble's list of names ("Russia", "Russia, Soviet Union")."""
    if not text:
        return ()
    return tuple(n.strip() for n in text.replace(" and ", ",").split(",") if n.strip())


def edition_of(register: Register, given: date | str | None) -> str:
    if given is not None:
        text = given.isoformat() if isinstance(given, date) else str(given)
        try:
            dated = date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValidationError([Problem(relpath(register.path), None, "--edition",
                                           f"{show_value(text)} is not a date, YYYY-MM-DD")]
                                  ) from None  # fmt: skip
        if register.generated is not None and register.generated.isoformat() != dated:
            raise ValidationError([Problem(
                relpath(register.path), None, "--edition",
                f"{dated} disagrees with the file's own stamp ({register.generated_text}); "
                "--edition is only for a file whose stamp was removed",
            )])  # fmt: skip
        return dated
    if register.generated is None:
        said = (f"has a 'Data generated' stamp that is not a date ({register.generated_text})"
                if register.generated_text else
                "has no 'Data generated: …' stamp (its preamble was removed)")  # fmt: skip
        raise ValidationError([Problem(
            relpath(register.path), None, "",
            f"{said}, so which edition it is cannot be told; give its date with "
            "--edition YYYY-MM-DD",
        )])  # fmt: skip
    return register.generated.isoformat()


def cautions(
    sources: dict[str, Source],
    name: str,
    dated: str,
    scope: tuple[tuple[str, ...], tuple[str, ...]],
    chosen: list[tuple[int, RegisterRow]],
) -> tuple[str, ...]:
    """What a reader of the report must know: a newer edition registered already takes
    precedence within its scope (so this file's rows there are not used), and another
    file of the same date is superseded by this one within its scope."""
    out = []
    others = [s for s in sources.values() if s.register == name and s.edition]
    for s in sorted(others, key=lambda s: str(s.edition)):
        if str(s.edition) > dated:
            covered = sum(1 for _, r in chosen
                          if in_scope(r.supplier, r.recipient, s.suppliers, s.recipients))
            if covered:
                out.append(
                    f"This edition ({dated}) is older than '{s.id}' (edition {s.edition}), "
                    f"which supersedes it within its scope: {covered} of its {len(chosen)} "
                    "rows are not used (they are kept for provenance, and show as withdrawn)."
                )  # fmt: skip
        elif str(s.edition) == dated:
            out.append(
                f"'{s.id}' has the same edition date ({dated}); this file, registered "
                "later, supersedes it within this file's scope."
            )
    return tuple(out)


def scope_words(source: Source) -> str:
    sup = ", ".join(source.suppliers) or "every supplier"
    rec = ", ".join(source.recipients) or "every recipient"
    return f"{sup} to {rec}"
