"""Directory import and export: a versioned JSON document and a flat CSV of contacts.

For secretariats moving from spreadsheets and for backups between nodes. Export reads the immutable snapshot.
Import writes only through :mod:`liaison.actions`, so every change is validated (E.164 phones, IANA zones,
ISO codes) and audited, inside the caller's transaction: the first bad value raises :class:`InvalidInput`
naming its JSON path (``networks[0].members[3].code``) or CSV line (``line 7: channel_value``), and the caller's
rollback leaves nothing half-imported.

Import creates and updates; it never deletes a record (a rotation, override or channel whose content changed
under the same id is replaced, keeping the id). Records match by id, then by their natural key: network and
member by code, agency by member and name, contact point by agency and name, channel by kind and value.
New records keep the document's ids, so a directory can travel between federated nodes.

Two values have no action of their own and are written here, each with an audit row: a channel's
verification date (from a node admin's import only) and a roster's confirmation date (only moved forward).

CSV cells are written by :mod:`liaison.interchange.csv_safe`: a cell starting with ``= + - @`` gets a leading
``'`` so spreadsheets do not run it as a formula (an E.164 number starts with ``+``); the importer removes it.
"""

from liaison.errors import TooLarge
from liaison.interchange.directory_export import (
    OrganisationInfo,
    export_contacts_csv,
    export_directory,
    load_organisations,
    visible_networks,
)
from liaison.interchange.directory_format import (
    CSV_COLUMNS,
    FORMAT,
    MAX_BYTES,
    MAX_MB,
    TOO_LARGE,
    VERSION,
    check_size,
    decode_text,
    parse_document,
)
from liaison.interchange.directory_import import ImportReport, import_contacts_csv, import_directory

__all__ = [
    "CSV_COLUMNS",
    "FORMAT",
    "MAX_BYTES",
    "MAX_MB",
    "TOO_LARGE",
    "VERSION",
    "ImportReport",
    "OrganisationInfo",
    "TooLarge",
    "check_size",
    "decode_text",
    "export_contacts_csv",
    "export_directory",
    "import_contacts_csv",
    "import_directory",
    "load_organisations",
    "parse_document",
    "visible_networks",
]
