"""The SQL store: tables, connections and migrations, and writing messages into it."""
