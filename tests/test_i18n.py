"""Every user-facing string has a French translation in the catalog under version control."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "matchmaker/translations/fr/LC_MESSAGES/messages.po"


def msgids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {message.id if isinstance(message.id, str) else message.id[0]
                for message in read_po(handle) if message.id}  # fmt: skip


def test_catalog_covers_every_string_in_the_code(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(template), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    missing = msgids(template) - msgids(CATALOG)
    assert not missing, f"not in the French catalog (run `make messages`): {sorted(missing)}"


def test_every_french_entry_is_translated_and_not_fuzzy():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (message.fuzzy or not all(message.string if isinstance(message.string, tuple)
                                      else [message.string]))
    ]  # fmt: skip
    assert not untranslated, f"French entries to translate: {untranslated}"
