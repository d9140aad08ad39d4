"""What the directory tests share: a directory row, CSV files of rows, the admin pages' paths,
uploading a file as a browser does, and reading the directory back."""

import csv
import io

import sqlalchemy as sa
from werkzeug.test import EnvironBuilder

from matchmaker.extensions import db
from matchmaker.models import DirectoryUpload, Organization
from matchmaker.services import directory


def row(slug: str = "acme-bio", **fields: str) -> dict[str, str]:
    values = {
        "slug": slug, "name": "Acme Bio", "kind": "company", "sectors": "life-sciences",
        "city": "Liège", "province": "Liège", "website": "https://acme.example",
        "founded": "2012", "size": "11-50",
        "description": "Viral vector manufacturing for cell and gene therapy.",
        "description_fr": "Production de vecteurs viraux pour la thérapie cellulaire et génique.",
        "offers": "contract-manufacturing;rd-collaboration", "keywords": "AAV;lentivirus",
        "keywords_fr": "AAV;lentivirus", "source": "https://acme.example/about",
    }  # fmt: skip
    return values | fields


def write_csv(path, rows, encoding="utf-8", columns=directory.COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return str(path)


LIST = "/staff/admin/organizations"
IMPORT = "/staff/admin/organizations/import"
EXPORT = "/staff/admin/organizations/export.csv"


def csv_bytes(rows, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=directory.COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(client, data: bytes | None, filename: str = "orgs.csv"):
    """Post a file to the import form, as a browser does (None: no file chosen)."""
    fields = {} if data is None else {"file": (io.BytesIO(data), filename)}
    builder = EnvironBuilder(path=IMPORT, method="POST", data=fields,
                             content_type="multipart/form-data")  # fmt: skip
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:  # a large body is spooled to a temporary file that the test client leaves open
        environ["wsgi.input"].close()
        builder.close()


def form_data(**fields) -> dict:
    """What the organization form posts for row(**fields)."""
    record = row(**fields)
    return record | {name: record[name].split(";") for name in ("sectors", "offers")}


def orgs(app) -> dict[str, Organization]:
    with app.app_context():
        return {org.slug: org for org in db.session.scalars(sa.select(Organization))}


def version(app) -> int:
    with app.app_context():
        return directory.directory_version()


def uploads(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(DirectoryUpload.id)))


def add_org(app, **fields) -> None:
    with app.app_context():
        directory.create_organization(row(**fields))
        db.session.commit()


def field_error(html: str, field: str) -> str:
    """The error text shown next to a field (the field() and choices() macros)."""
    marker = f'id="{field}-error">'
    assert marker in html, f"no error shown next to {field}"
    return html.split(marker, 1)[1].split("</p>", 1)[0]
