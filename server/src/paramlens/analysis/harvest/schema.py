"""The tables of harvest.sqlite, format version 1 (docs/formats.md, "harvest.sqlite").

JSON arrays are TEXT so that the file reads well in the `sqlite3` shell; every lookup a card
makes is a primary-key range, so the tables are WITHOUT ROWID (clustered on that key).
"""

FORMAT_VERSION = "1"
DATABASE_FILE = "harvest.sqlite"

_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE modules (
  module TEXT PRIMARY KEY,
  module_order INTEGER NOT NULL,
  C INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE components (
  module TEXT NOT NULL,
  component INTEGER NOT NULL,
  density REAL NOT NULL,
  mean_ci REAL NOT NULL,
  alive INTEGER NOT NULL,
  n_examples INTEGER NOT NULL,
  label TEXT,
  PRIMARY KEY (module, component)
) WITHOUT ROWID;
CREATE TABLE examples (
  module TEXT NOT NULL,
  component INTEGER NOT NULL,
  rank INTEGER NOT NULL,
  ci REAL NOT NULL,
  activation REAL NOT NULL,
  sequence INTEGER NOT NULL,
  position INTEGER NOT NULL,
  marked INTEGER NOT NULL,
  token_ids TEXT NOT NULL,
  ci_values TEXT NOT NULL,
  activations TEXT NOT NULL,
  PRIMARY KEY (module, component, rank)
) WITHOUT ROWID;
CREATE TABLE vocab (token_id INTEGER PRIMARY KEY, text TEXT NOT NULL);
"""

# Input-token and output-token PMI share their columns: a subcomponent's tokens of highest PMI.
_PMI_TABLE = """
CREATE TABLE {name} (
  module TEXT NOT NULL,
  component INTEGER NOT NULL,
  rank INTEGER NOT NULL,
  token_id INTEGER NOT NULL,
  pmi REAL NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (module, component, rank)
) WITHOUT ROWID;
"""

DDL = _TABLES + "".join(
    _PMI_TABLE.format(name=name) for name in ("input_token_pmi", "output_token_pmi")
)
