//! Todo storage. Every query filters on the organization and (except restoring and purging)
//! skips soft-deleted rows.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::{
    BoolExpressionMethods, EscapeExpressionMethods, ExpressionMethods, NullableExpressionMethods,
    OptionalExtension, QueryDsl, SelectableHelper, TextExpressionMethods,
};
use platform::{
    Db, DbError,
    clock::now_utc,
    db::{
        schema::todos,
        text::{contains_pattern, lower},
    },
};

use crate::{
    audit::{AuditEntry, org_audit},
    billing::limits::{self, LimitReached, entitled_plan},
    orgs::{lock::lock_org, scope::OrgId},
};

/// A todo as stored.
#[derive(Clone, Debug, diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = todos)]
pub struct TodoRow {
    /// Id.
    pub id: String,
    /// Its organization.
    pub organization_id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// 1, 3, 5 or 7 (read through `Priority::from_stored`).
    pub priority: i32,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Assignee.
    pub assigned_to: Option<String>,
    /// Done.
    pub completed: bool,
    /// Creator.
    pub created_by: Option<String>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Soft-deleted at.
    pub deleted_at: Option<NaiveDateTime>,
}

/// A todo to create (in the organization [`insert`] is given).
#[derive(Clone, Copy, Debug, diesel::Insertable)]
#[diesel(table_name = todos)]
pub struct NewTodo<'a> {
    /// Id.
    pub id: &'a str,
    /// Title (trimmed).
    pub title: &'a str,
    /// Description.
    pub description: Option<&'a str>,
    /// Stored priority.
    pub priority: i32,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Assignee (a member: checked by the caller).
    pub assigned_to: Option<&'a str>,
    /// Done.
    pub completed: bool,
    /// Creator.
    pub created_by: Option<&'a str>,
    /// Now.
    pub created_at: NaiveDateTime,
    /// Now.
    pub updated_at: NaiveDateTime,
}

/// The live (not soft-deleted) todos of `$org_id`.
macro_rules! live {
    ($org_id:expr) => {
        todos::table
            .filter(todos::organization_id.eq($org_id.as_str()))
            .filter(todos::deleted_at.is_null())
    };
}

/// Inserts todos into `org_id`, all or none (one statement each: SQLite has no multi-row
/// insert for rows with optional columns), unless they would take the organization past its
/// plan's todo limit (counted under its lock, so concurrent creates cannot pass it together).
pub async fn insert_all(
    db: &Db,
    org_id: OrgId<'_>,
    rows: &[NewTodo<'_>],
) -> Result<Result<(), LimitReached>, DbError> {
    let now = now_utc();
    let adding = u64::try_from(rows.len()).unwrap_or(u64::MAX);
    platform::transaction!(db, conn => {
        let plan = entitled_plan!(conn, org_id.as_str(), now);
        if let Some(max) = plan.limits().todos {
            lock_org!(conn, org_id.as_str())?;
            let used: i64 = live!(org_id).count().get_result(conn).await?;
            if let Err(reached) = limits::check("todos", Some(max), used, adding) {
                return Ok(Err(reached));
            }
        }
        for row in rows {
            diesel::insert_into(todos::table)
                .values((todos::organization_id.eq(org_id.as_str()), *row))
                .execute(conn)
                .await?;
        }
        Ok(Ok(()))
    })
}

/// Sets `completed` of the live todos `ids` of `org_id`; returns how many there are.
pub async fn set_completed(
    db: &Db,
    org_id: OrgId<'_>,
    ids: &[String],
    completed: bool,
) -> Result<usize, DbError> {
    let now = now_utc();
    Ok(platform::with_conn!(db, conn => {
        diesel::update(
            live!(org_id)
                .filter(todos::id.eq_any(ids)),
        )
        .set((todos::completed.eq(completed), todos::updated_at.eq(now)))
        .execute(conn)
        .await?
    }))
}

/// The live todo `id` of `org_id`.
pub async fn get(db: &Db, org_id: OrgId<'_>, id: &str) -> Result<Option<TodoRow>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        live!(org_id)
            .filter(todos::id.eq(id))
            .select(TodoRow::as_select())
            .first(conn)
            .await
            .optional()?
    }))
}

/// The changes of an update; `None` leaves a column alone.
#[derive(Clone, Debug, Default, diesel::AsChangeset)]
#[diesel(table_name = todos)]
#[allow(clippy::option_option)] // `Some(None)` sets NULL
pub struct TodoChanges {
    /// Title.
    pub title: Option<String>,
    /// Description, or `Some(None)` to clear it.
    pub description: Option<Option<String>>,
    /// Stored priority.
    pub priority: Option<i32>,
    /// Due date, or `Some(None)` to clear it.
    pub due_date: Option<Option<NaiveDate>>,
    /// Assignee, or `Some(None)` to clear it.
    pub assigned_to: Option<Option<String>>,
    /// Done.
    pub completed: Option<bool>,
    /// Now.
    pub updated_at: Option<NaiveDateTime>,
}

/// Applies `changes` to the live todo `id` of `org_id`; returns it as it is now.
pub async fn update(
    db: &Db,
    org_id: OrgId<'_>,
    id: &str,
    changes: &TodoChanges,
) -> Result<Option<TodoRow>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        diesel::update(
            live!(org_id)
                .filter(todos::id.eq(id)),
        )
        .set(changes)
        .returning(TodoRow::as_returning())
        .get_result(conn)
        .await
        .optional()?
    }))
}

/// Flips `completed` of the live todo `id` of `org_id` in one statement.
pub async fn toggle(db: &Db, org_id: OrgId<'_>, id: &str) -> Result<Option<TodoRow>, DbError> {
    let now = now_utc();
    Ok(platform::with_conn!(db, conn => {
        diesel::update(
            live!(org_id)
                .filter(todos::id.eq(id)),
        )
        .set((todos::completed.eq(diesel::dsl::not(todos::completed)), todos::updated_at.eq(now)))
        .returning(TodoRow::as_returning())
        .get_result(conn)
        .await
        .optional()?
    }))
}

/// Soft-deletes the live todos `ids` of `org_id` at `at`, recording `entry` (with the count)
/// in the same transaction when given; returns the ids deleted.
pub async fn soft_delete(
    db: &Db,
    org_id: OrgId<'_>,
    ids: &[String],
    at: NaiveDateTime,
    entry: Option<&AuditEntry>,
) -> Result<Vec<String>, DbError> {
    platform::transaction!(db, conn => {
        let deleted: Vec<String> = diesel::update(
            live!(org_id)
                .filter(todos::id.eq_any(ids)),
        )
        .set(todos::deleted_at.eq(Some(at)))
        .returning(todos::id)
        .get_results(conn)
        .await?;
        if let Some(entry) = entry.filter(|_| !deleted.is_empty()) {
            let mut entry = entry.clone();
            entry.details["count"] = deleted.len().into();
            org_audit!(conn, org_id.as_str(), &entry)?;
        }
        Ok(deleted)
    })
}

/// Restores the todos `ids` of `org_id` that the delete at `at` removed; returns how many.
pub async fn restore(
    db: &Db,
    org_id: OrgId<'_>,
    ids: &[String],
    at: NaiveDateTime,
) -> Result<usize, DbError> {
    Ok(platform::with_conn!(db, conn => {
        diesel::update(
            todos::table
                .filter(todos::organization_id.eq(org_id.as_str()))
                .filter(todos::id.eq_any(ids))
                .filter(todos::deleted_at.eq(Some(at))),
        )
        .set(todos::deleted_at.eq(None::<NaiveDateTime>))
        .execute(conn)
        .await?
    }))
}

/// Deletes for good the todos soft-deleted before `cutoff`; returns how many. Their
/// attachments go with them, and the attachments' delete trigger releases their bytes and
/// makes their files due for removal in the same transaction.
pub async fn purge_deleted(db: &Db, cutoff: NaiveDateTime) -> Result<usize, DbError> {
    Ok(platform::with_conn!(db, conn => {
        diesel::delete(todos::table.filter(todos::deleted_at.lt(cutoff))).execute(conn).await?
    }))
}

/// The filters of the list, parsed.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    /// `Some(true)`: done only; `Some(false)`: open only.
    pub completed: Option<bool>,
    /// Stored priority range (inclusive).
    pub priority: Option<(i32, i32)>,
    /// Assignee.
    pub assignee: Option<String>,
    /// Creator.
    pub creator: Option<String>,
    /// Due on or before.
    pub due_before: Option<NaiveDate>,
    /// Due on or after.
    pub due_after: Option<NaiveDate>,
    /// Text in title or description.
    pub text: Option<String>,
}

/// A sort key of the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    /// Creation time.
    Created,
    /// Due date; todos without one come last in ascending order.
    Due,
    /// Priority.
    Priority,
    /// Title.
    Title,
}

/// Where a page starts: after the row with this sort value and id (ties are broken by id).
/// Its variant is the list's sort: the edge (`todos::input`) parses a client's cursor for that
/// sort only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cursor {
    /// After this creation time.
    Created(NaiveDateTime, String),
    /// After this due date ([`NO_DUE_DATE`] for none).
    Due(NaiveDate, String),
    /// After this stored priority.
    Priority(i32, String),
    /// After this title.
    Title(String, String),
}

/// Stands in for "no due date" so that keyset comparisons work the same on both backends (and
/// sorts after every real date, also as SQLite text).
pub const NO_DUE_DATE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(date) => date,
    None => panic!("a valid date"),
};

#[diesel::declare_sql_function]
extern "SQL" {
    /// SQL `coalesce` of a nullable date.
    fn coalesce(
        x: diesel::sql_types::Nullable<diesel::sql_types::Date>,
        y: diesel::sql_types::Date,
    ) -> diesel::sql_types::Date;
}

/// The due-date sort key: the date, or [`NO_DUE_DATE`] — written as a literal, so the query
/// carries exactly the expression of the `todos_org_due_order` index, which then serves it.
macro_rules! due_order {
    () => {
        coalesce(todos::due_date, diesel::dsl::sql::<diesel::sql_types::Date>("'9999-12-31'"))
    };
}

/// The cursor after `row` in `sort` order.
pub fn cursor_of(row: &TodoRow, sort: Sort) -> Cursor {
    let id = row.id.clone();
    match sort {
        Sort::Created => Cursor::Created(row.created_at, id),
        Sort::Due => Cursor::Due(row.due_date.unwrap_or(NO_DUE_DATE), id),
        Sort::Priority => Cursor::Priority(row.priority, id),
        Sort::Title => Cursor::Title(row.title.clone(), id),
    }
}

/// Adds the filters to a boxed todos query.
macro_rules! filtered {
    ($org_id:expr, $filters:expr) => {{
        let filters: &Filters = $filters;
        let mut query = live!($org_id).into_boxed();
        if let Some(done) = filters.completed {
            query = query.filter(todos::completed.eq(done));
        }
        if let Some((low, high)) = filters.priority {
            query = query.filter(todos::priority.between(low, high));
        }
        if let Some(assignee) = &filters.assignee {
            query = query.filter(todos::assigned_to.eq(assignee.clone()));
        }
        if let Some(creator) = &filters.creator {
            query = query.filter(todos::created_by.eq(creator.clone()));
        }
        if let Some(date) = filters.due_before {
            query = query.filter(todos::due_date.le(date));
        }
        if let Some(date) = filters.due_after {
            query = query.filter(todos::due_date.ge(date));
        }
        if let Some(text) = &filters.text {
            let pattern = contains_pattern(text);
            query = query.filter(
                lower(todos::title).like(pattern.clone()).escape('\\').or(todos::description
                    .is_not_null()
                    .and(lower(todos::description.assume_not_null()).like(pattern).escape('\\'))),
            );
        }
        query
    }};
}

/// Orders by `$col` then id, in `$desc` direction, starting after `$cursor` (a typed value
/// and an id) when given.
macro_rules! keyset {
    ($query:expr, $col:expr, $cursor:expr, $desc:expr) => {{
        let mut query = $query;
        if let Some((value, id)) = $cursor {
            query = if $desc {
                query.filter($col.lt(value.clone()).or($col.eq(value).and(todos::id.lt(id))))
            } else {
                query.filter($col.gt(value.clone()).or($col.eq(value).and(todos::id.gt(id))))
            };
        }
        if $desc {
            query.order(($col.desc(), todos::id.desc()))
        } else {
            query.order(($col.asc(), todos::id.asc()))
        }
    }};
}

/// Counting stops here: past it a list answers "more than 10,000", so what a list costs stays
/// flat however large the organization grows (an exact count reads every matching row).
pub const COUNT_CAP: i64 = 10_000;

/// How many todos match: `(n, false)` exactly n, `(COUNT_CAP, true)` more than that.
pub type Total = (i64, bool);

/// One page of `org_id`'s live todos matching `filters`, in `sort` order, after `cursor`, at
/// most `limit` rows, and (when `count` is set) how many todos match in all, up to
/// [`COUNT_CAP`].
#[allow(clippy::too_many_arguments)] // the parts of one query, each a plain value
pub async fn list(
    db: &Db,
    org_id: OrgId<'_>,
    filters: &Filters,
    sort: Sort,
    desc: bool,
    cursor: Option<&Cursor>,
    limit: i64,
    count: bool,
) -> Result<(Vec<TodoRow>, Option<Total>), DbError> {
    // A cursor of another sort than the list's (never built) starts at the beginning.
    let (mut created, mut due, mut priority, mut title) = (None, None, None, None);
    match cursor.cloned() {
        Some(Cursor::Created(at, id)) if sort == Sort::Created => created = Some((at, id)),
        Some(Cursor::Due(date, id)) if sort == Sort::Due => due = Some((date, id)),
        Some(Cursor::Priority(p, id)) if sort == Sort::Priority => priority = Some((p, id)),
        Some(Cursor::Title(text, id)) if sort == Sort::Title => title = Some((text, id)),
        _ => {}
    }
    Ok(platform::with_conn!(db, conn => {
            let total: Option<Total> = if count {
                // A match past the cap (one index probe) spares counting them all. Walked in
                // creation order, which follows the table's own order: far fewer pages read
                // than along an index in any other order.
                let beyond: Option<String> = filtered!(org_id, filters)
                    .select(todos::id)
                    .order((todos::created_at.asc(), todos::id.asc()))
                    .offset(COUNT_CAP)
                    .limit(1)
                    .get_result(conn)
                    .await
                    .optional()?;
                Some(if beyond.is_some() {
                    (COUNT_CAP, true)
                } else {
                    (filtered!(org_id, filters).count().get_result(conn).await?, false)
                })
            } else {
                None
            };
            let query = filtered!(org_id, filters);
            let query = match sort {
                Sort::Created => keyset!(query, todos::created_at, created, desc),
                Sort::Due => keyset!(query, due_order!(), due, desc),
                Sort::Priority => keyset!(query, todos::priority, priority, desc),
                Sort::Title => keyset!(query, todos::title, title, desc),
            };
            let rows: Vec<TodoRow> =
                query.limit(limit).select(TodoRow::as_select()).load(conn).await?;
            (rows, total)
    }))
}
