"""An empty PostgreSQL database beside the test database, made and dropped through the server's `postgres` database
(CREATE and DROP DATABASE cannot run inside the test's transaction). Used by the migrations' tests."""


def _run(settings_dict, statement: str, name: str) -> None:
    import psycopg2
    from psycopg2 import sql

    server = {
        "host": settings_dict["HOST"] or None,
        "port": settings_dict["PORT"] or None,
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"],
    }
    admin = psycopg2.connect(dbname="postgres", **server)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL(statement).format(sql.Identifier(name)))
    finally:
        admin.close()


def create(settings_dict, name: str) -> None:
    """An empty database `name` on the test database's server (one left by an interrupted run is dropped first)."""
    _run(settings_dict, "DROP DATABASE IF EXISTS {}", name)
    _run(settings_dict, "CREATE DATABASE {}", name)


def drop(settings_dict, name: str) -> None:
    """Drops `name`, closing whatever connection is still open on it."""
    _run(settings_dict, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
