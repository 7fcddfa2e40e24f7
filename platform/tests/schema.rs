//! The schema kept honest: `src/db/schema.rs` (what the code compiles against) describes exactly
//! what the migrations create, on SQLite and on PostgreSQL (with `TEST_DATABASE_URL`), and the
//! two dialects' migrations create the same tables, columns, keys and indexes.

use std::collections::{BTreeMap, BTreeSet};

use diesel::{QueryableByName, sql_types::Text};
use platform::{Db, DbError, Platform, testing::TestDatabase, with_conn};

/// A column: name, type (as `schema.rs` spells it: `Text`, `Timestamp`, …) and nullability.
type Column = (String, String, bool);

/// An index: its name (for an explicit one; unique constraints are named by their columns),
/// its key columns (`<expression>` for an expression), whether it is unique, whether partial.
type Index = (String, Vec<String>, bool, bool);

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Table {
    primary_key: Vec<String>,
    columns: Vec<Column>,
    indexes: BTreeSet<Index>,
}

type Schema = BTreeMap<String, Table>;

/// The tables of `schema.rs` (columns and keys; it does not describe indexes).
fn declared() -> Schema {
    let source = include_str!("../src/db/schema.rs");
    let mut schema = Schema::new();
    let mut current: Option<String> = None;
    for line in source.lines().map(str::trim) {
        if let Some(name) = current.clone() {
            if line == "}" {
                current = None;
            } else if let Some((column, kind)) = line.trim_end_matches(',').split_once(" -> ") {
                let (kind, nullable) = match kind.strip_prefix("Nullable<") {
                    Some(inner) => (inner.trim_end_matches('>'), true),
                    None => (kind, false),
                };
                let table = schema.get_mut(&name).expect("table");
                table.columns.push((column.to_owned(), kind.to_owned(), nullable));
            }
        } else if let Some((name, rest)) = line.split_once(" (")
            && line.ends_with(") {")
            && !line.starts_with("diesel::")
        {
            let keys = rest.trim_end_matches(") {");
            let primary_key = keys.split(", ").map(str::to_owned).collect();
            schema.insert(name.to_owned(), Table { primary_key, ..Table::default() });
            current = Some(name.to_owned());
        }
    }
    schema
}

/// A database type as `schema.rs` names it.
fn diesel_type(sql: &str) -> String {
    match sql.to_ascii_lowercase().as_str() {
        "text" | "character varying" | "varchar" => "Text",
        "integer" | "int" | "int4" => "Integer",
        "bigint" | "int8" => "BigInt",
        "boolean" | "bool" => "Bool",
        "timestamp" | "timestamp without time zone" | "datetime" => "Timestamp",
        "date" => "Date",
        other => return format!("unknown type {other}"),
    }
    .to_owned()
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    not_null: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct SqliteIndex {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    is_unique: i32,
    #[diesel(sql_type = Text)]
    origin: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    partial: i32,
}

#[derive(QueryableByName)]
struct SqliteIndexColumn {
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    name: Option<String>,
}

/// Every table the migrations made on `db`, with its columns, keys and indexes.
async fn introspect(db: &Db) -> Result<Schema, DbError> {
    match db {
        Db::Sqlite(_) => introspect_sqlite(db).await,
        Db::Postgres(_) => introspect_postgres(db).await,
    }
}

async fn introspect_sqlite(db: &Db) -> Result<Schema, DbError> {
    let mut schema = Schema::new();
    let tables: Vec<Name> = with_conn!(db, conn => {
        diesel::sql_query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name <> '__diesel_schema_migrations' ORDER BY name",
        )
        .load(conn)
        .await?
    });
    for Name { name: table } in tables {
        let (columns, indexes): (Vec<SqliteColumn>, Vec<SqliteIndex>) = with_conn!(db, conn => {
            let columns = diesel::sql_query(format!(
                "SELECT name, type AS kind, \"notnull\" AS not_null, pk \
                 FROM pragma_table_info('{table}') ORDER BY cid"
            ))
            .load(conn)
            .await?;
            let indexes = diesel::sql_query(format!(
                "SELECT name, \"unique\" AS is_unique, origin, partial \
                 FROM pragma_index_list('{table}')"
            ))
            .load(conn)
            .await?;
            (columns, indexes)
        });
        let mut keyed: Vec<(i32, String)> =
            columns.iter().filter(|c| c.pk > 0).map(|c| (c.pk, c.name.clone())).collect();
        keyed.sort();
        let mut described = Table {
            primary_key: keyed.into_iter().map(|(_, name)| name).collect(),
            ..Table::default()
        };
        for column in columns {
            // A primary key never holds NULL as the code uses it (SQLite would allow it in a
            // non-INTEGER key declared without NOT NULL).
            let nullable = column.not_null == 0 && column.pk == 0;
            described.columns.push((column.name, column.kind.to_ascii_uppercase(), nullable));
        }
        for index in indexes.into_iter().filter(|index| index.origin != "pk") {
            let key: Vec<SqliteIndexColumn> = with_conn!(db, conn => {
                diesel::sql_query(format!(
                    "SELECT name FROM pragma_index_info('{}') ORDER BY seqno",
                    index.name
                ))
                .load(conn)
                .await?
            });
            let key: Vec<String> =
                key.into_iter().map(|c| c.name.unwrap_or_else(|| "<expression>".into())).collect();
            let name = if index.origin == "u" { key.join("+") } else { index.name };
            described.indexes.insert((name, key, index.is_unique != 0, index.partial != 0));
        }
        schema.insert(table, described);
    }
    Ok(schema)
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

#[derive(QueryableByName)]
#[allow(clippy::struct_excessive_bools)] // one row of pg_index, as PostgreSQL answers it
struct PgIndex {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    columns: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    is_unique: bool,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    is_primary: bool,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    partial: bool,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    from_constraint: bool,
}

async fn introspect_postgres(db: &Db) -> Result<Schema, DbError> {
    let (columns, indexes): (Vec<PgColumn>, Vec<PgIndex>) = with_conn!(db, conn => {
        let columns = diesel::sql_query(
            "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name, \
                    c.data_type::text AS data_type, c.is_nullable::text AS is_nullable \
             FROM information_schema.columns c \
             JOIN information_schema.tables t \
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
             WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' \
               AND c.table_name <> '__diesel_schema_migrations' \
             ORDER BY c.table_name, c.ordinal_position",
        )
        .load(conn)
        .await?;
        let indexes = diesel::sql_query(
            "SELECT t.relname::text AS table_name, i.relname::text AS name, \
                    array_to_string(ARRAY( \
                      SELECT COALESCE(a.attname::text, '<expression>') \
                      FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
                      LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
                      ORDER BY k.ord), ',') AS columns, \
                    ix.indisunique AS is_unique, ix.indisprimary AS is_primary, \
                    ix.indpred IS NOT NULL AS partial, \
                    EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid) \
                      AS from_constraint \
             FROM pg_index ix \
             JOIN pg_class t ON t.oid = ix.indrelid \
             JOIN pg_class i ON i.oid = ix.indexrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE n.nspname = 'public' AND t.relname <> '__diesel_schema_migrations'",
        )
        .load(conn)
        .await?;
        (columns, indexes)
    });
    let mut schema = Schema::new();
    for column in columns {
        let table = schema.entry(column.table_name).or_default();
        let nullable = column.is_nullable == "YES";
        table.columns.push((column.column_name, diesel_type(&column.data_type), nullable));
    }
    for index in indexes {
        let key: Vec<String> = index.columns.split(',').map(str::to_owned).collect();
        let table = schema.entry(index.table_name).or_default();
        if index.is_primary {
            table.primary_key = key;
        } else {
            let name = if index.from_constraint { key.join("+") } else { index.name };
            table.indexes.insert((name, key, index.is_unique, index.partial));
        }
    }
    Ok(schema)
}

/// `schema.rs` as SQLite stores it: its tables are `STRICT`, with dates, times and text as
/// `TEXT`, integers and booleans as `INTEGER`.
fn as_sqlite(declared: &Schema) -> Schema {
    let storage = |kind: &str| match kind {
        "Text" | "Timestamp" | "Date" => "TEXT".to_owned(),
        "Integer" | "BigInt" | "Bool" => "INTEGER".to_owned(),
        other => format!("unknown type {other}"),
    };
    declared
        .iter()
        .map(|(name, table)| {
            let columns = table
                .columns
                .iter()
                .map(|(column, kind, nullable)| (column.clone(), storage(kind), *nullable))
                .collect();
            let table = Table { columns, ..without_indexes_of(table) };
            (name.clone(), table)
        })
        .collect()
}

fn without_indexes_of(table: &Table) -> Table {
    Table {
        primary_key: table.primary_key.clone(),
        columns: table.columns.clone(),
        indexes: BTreeSet::new(),
    }
}

/// `schema` without what `schema.rs` does not describe.
fn without_indexes(schema: &Schema) -> Schema {
    schema.iter().map(|(name, table)| (name.clone(), without_indexes_of(table))).collect()
}

#[tokio::test]
async fn schema_rs_matches_the_migrations_and_both_dialects_agree() {
    let declared = declared();
    assert!(declared.len() >= 10, "schema.rs was read: {:?}", declared.keys());
    let mut made = Vec::new();
    for test_db in TestDatabase::each_backend().await {
        let platform = Platform::start(test_db.config(None)).await.expect("platform starts");
        let schema = introspect(&platform.db).await.expect("introspection");
        let expected = match platform.db {
            Db::Sqlite(_) => as_sqlite(&declared),
            Db::Postgres(_) => declared.clone(),
        };
        let made_here = without_indexes(&schema);
        let names: BTreeSet<&String> = made_here.keys().chain(expected.keys()).collect();
        for name in names {
            let backend = test_db.backend();
            assert_eq!(made_here.get(name), expected.get(name), "{backend}: {name} in schema.rs");
        }
        made.push((test_db.backend(), schema));
    }
    if let [(_, sqlite), (_, postgres)] = made.as_slice() {
        for (name, table) in sqlite {
            assert_eq!(Some(&table.indexes), postgres.get(name).map(|t| &t.indexes), "{name}");
        }
        assert_eq!(sqlite.len(), postgres.len(), "the same tables");
    }
}
