"""The results table partitioned by school year on PostgreSQL (declarative partitioning, plain DDL).

A region adds millions of participants' rows a year; one table would grow without end, every
index with it, and an old year could only leave it by a long DELETE. Partitioned by `year` (the
assessment's school year, a column of the row because a partition key must be one):

- each year is its own table, ``monitoring_studentresult_y2026``, made by the import before it
  writes a year for the first time (`results_partition_ensure`), inside the import's transaction;
- ``monitoring_studentresult_default`` takes a row of a year without its partition (rows written
  outside the import); making that year's partition later moves them into it;
- the primary key is (id, year): a unique key must include the partition key. No foreign key
  points into the table (none may point into a partitioned one), and the table's own point out
  without database constraints (see the model);
- an old year leaves by detaching its partition (`results_year_detach`, the `results_archive`
  command): instantly, its rows kept in a table of their own that can be dumped and dropped, or
  attached back.

SQLite keeps the plain table: every function here does nothing there.
"""

from __future__ import annotations

from django.db import connection, transaction

TABLE = "monitoring_studentresult"
DEFAULT = f"{TABLE}_default"
ARCHIVED = f"{TABLE}_archived_y{{year}}"
ONLY_POSTGRES = "Архивировать год можно только на PostgreSQL с разделённой таблицей результатов"
#: The advisory lock that orders two imports making the same year's partition at once.
_LOCK = 0x5EA50


def partition_name(year: int) -> str:
    return f"{TABLE}_y{int(year)}"


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def is_partitioned() -> bool:
    if not _postgres():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def year_partitions() -> dict[int, str]:
    """{year: partition table} of the years that have their own partition."""
    if not is_partitioned():
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT child.relname, pg_get_expr(child.relpartbound, child.oid) FROM pg_inherits "
            "JOIN pg_class child ON child.oid = pg_inherits.inhrelid WHERE pg_inherits.inhparent = to_regclass(%s)",
            [TABLE],
        )
        rows = cursor.fetchall()
    prefix = f"{TABLE}_y"
    return {int(name.removeprefix(prefix)): name for name, bound in rows if name.startswith(prefix)}


def results_partition_ensure(years) -> None:
    """Make the partition of each year that has none, moving that year's rows out of the default
    partition first (a partition may not be attached while the default holds rows of its year).
    Runs in the caller's transaction: an import that fails leaves no partition behind."""
    if not is_partitioned():
        return
    wanted = sorted({int(year) for year in years} - set(year_partitions()))
    if not wanted:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        for year in sorted(set(wanted) - set(year_partitions())):
            name = partition_name(year)
            cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            cursor.execute(
                f"WITH moved AS (DELETE FROM {DEFAULT} WHERE year = %s RETURNING *) INSERT INTO {name} SELECT * FROM moved",
                [year],
            )
            cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES IN ({year})")


def results_year_detach(year: int) -> str:
    """Detach a year's partition: its rows leave the results at once and stay in a table of their
    own (returned), to be dumped and dropped or attached back (`results_year_attach`)."""
    if not is_partitioned():
        raise ValueError(ONLY_POSTGRES)
    name = year_partitions().get(int(year))
    if name is None:
        raise ValueError(f"У {int(year)} года нет своего раздела в таблице результатов")
    archived = ARCHIVED.format(year=int(year))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
        cursor.execute(f"ALTER TABLE {name} RENAME TO {archived}")
    return archived


def results_year_attach(year: int) -> str:
    """Attach an archived year back (the partition a detach left)."""
    if not is_partitioned():
        raise ValueError(ONLY_POSTGRES)
    archived = ARCHIVED.format(year=int(year))
    name = partition_name(year)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [archived])
        if cursor.fetchone()[0] is None:
            raise ValueError(f"Архива {int(year)} года нет: таблица {archived} не найдена")
        if int(year) in year_partitions():
            raise ValueError(f"У {int(year)} года уже есть раздел: сначала архивируйте его")
        cursor.execute(f"ALTER TABLE {archived} RENAME TO {name}")
        cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES IN ({int(year)})")
    return name


# --------------------------------------------------------------------------------- migration


def _index_definitions(cursor, table: str) -> list[str]:
    """The CREATE INDEX statements of a table's indexes, its primary key's left out."""
    cursor.execute(
        "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(%s) AND contype = 'p')",
        [table, table],
    )
    return [row[0] for row in cursor.fetchall()]


def _convert(cursor, *, partitioned: bool) -> None:
    """Rebuild the results table as a partitioned table (or back as a plain one) with its rows,
    columns, checks, identity, indexes and their names."""
    cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
    if cursor.fetchone()[0] == ("p" if partitioned else "r"):
        return
    indexes = _index_definitions(cursor, TABLE)
    years = []
    if partitioned:
        cursor.execute(f"SELECT DISTINCT year FROM {TABLE} ORDER BY year")
        years = [row[0] for row in cursor.fetchall()]
    old = f"{TABLE}_old"
    cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {old}")
    cursor.execute(f"ALTER TABLE {old} RENAME CONSTRAINT {TABLE}_pkey TO {old}_pkey")
    by = " PARTITION BY LIST (year)" if partitioned else ""
    cursor.execute(f"CREATE TABLE {TABLE} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY){by}")
    key = "id, year" if partitioned else "id"
    cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY ({key})")
    if partitioned:
        cursor.execute(f"CREATE TABLE {DEFAULT} PARTITION OF {TABLE} DEFAULT")
        for year in years:
            cursor.execute(f"CREATE TABLE {partition_name(year)} PARTITION OF {TABLE} FOR VALUES IN ({int(year)})")
    cursor.execute(f"INSERT INTO {TABLE} OVERRIDING SYSTEM VALUE SELECT * FROM {old}")
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), COALESCE((SELECT max(id) FROM {TABLE}), 0) + 1, false)"
    )
    cursor.execute(f"DROP TABLE {old} CASCADE")
    for definition in indexes:
        cursor.execute(definition.replace(" ON ONLY ", " ON "))


def partition_results(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            _convert(cursor, partitioned=True)


def unpartition_results(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            _convert(cursor, partitioned=False)
