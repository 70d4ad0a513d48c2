"""SQLite store: schema and migrations, audit chain, backups. No rules, no Qt."""
