//! `GET /api/export/todos?org=…&format=csv|ndjson` (+ the list filters and order): the
//! organization's todos streamed from the database a page at a time, so memory stays flat
//! whatever the size. Authorization as for the server functions: session, membership,
//! `todos:read`.

use crate::{
    AppError, ErrorCode,
    api_error::error_response,
    auth::server::{AuthContext, RequestAuth},
    orgs::scope::OrgScope,
    state::AppState,
    todos::{
        input::ListQuery,
        model::{ListTodosInput, Todo},
        service::{export_query, to_todo},
        store::{self, Cursor},
    },
};
use axum::{
    Extension,
    body::{Body, Bytes},
    extract::{Query, State, rejection::QueryRejection},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use futures::{StreamExt as _, stream};
use serde::Deserialize;
use std::collections::HashMap;

/// Rows read per database round trip.
const CHUNK: i64 = 500;

/// The query: a format and the filters of `GET /api/todos`.
#[derive(Debug, Deserialize)]
pub struct ExportParams {
    /// `csv` (default) or `ndjson`.
    #[serde(default)]
    format: Option<String>,
    #[serde(flatten)]
    list: ListTodosInput,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Ndjson,
}

/// The CSV columns, in order, after a UTF-8 byte-order mark: spreadsheet programs read the file
/// as UTF-8 only with it (accents, other scripts). Names stand beside the ids of the assignee
/// and the creator (empty for someone no longer in the organization).
const CSV_HEADER: &str = "\u{feff}id,title,description,priority,due_date,assigned_to,assignee,completed,created_by,creator,created_at,updated_at\r\n";

/// A CSV field per RFC 4180: quoted (with quotes doubled) when it holds a comma, a quote or a
/// line break.
fn csv_field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

fn csv_row(out: &mut String, todo: &Todo, names: &HashMap<String, String>) {
    let name = |id: &Option<String>| {
        id.as_ref().and_then(|id| names.get(id)).map(String::as_str).unwrap_or_default()
    };
    let fields = [
        todo.id.as_str(),
        todo.title.as_str(),
        todo.description.as_deref().unwrap_or_default(),
        todo.priority.as_str(),
        todo.due_date.as_deref().unwrap_or_default(),
        todo.assigned_to.as_deref().unwrap_or_default(),
        name(&todo.assigned_to),
        if todo.completed { "true" } else { "false" },
        todo.created_by.as_deref().unwrap_or_default(),
        name(&todo.created_by),
        todo.created_at.as_str(),
        todo.updated_at.as_str(),
    ];
    for (index, value) in fields.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        csv_field(out, value);
    }
    out.push_str("\r\n");
}

/// Where the stream is.
struct Progress {
    state: AppState,
    org: OrgScope,
    query: ListQuery,
    format: Format,
    /// Members' names by id (CSV only).
    names: HashMap<String, String>,
    cursor: Option<Cursor>,
    started: bool,
    done: bool,
}

async fn next_chunk(mut progress: Progress) -> Option<(Result<Bytes, std::io::Error>, Progress)> {
    if progress.done {
        return None;
    }
    let mut out = String::new();
    if !progress.started {
        progress.started = true;
        if progress.format == Format::Csv {
            out.push_str(CSV_HEADER);
        }
    }
    let page = store::list(
        &progress.state.platform.db,
        progress.org.id(),
        &progress.query.filters,
        progress.query.sort,
        progress.query.desc,
        progress.cursor.as_ref(),
        CHUNK + 1,
        false,
    )
    .await;
    let mut rows = match page {
        Ok((rows, _)) => rows,
        Err(error) => {
            // The headers are gone already: end the body with an error, which the client sees
            // as a broken download rather than a truncated file.
            progress.done = true;
            tracing::error!(%error, "export failed");
            return Some((Err(std::io::Error::other("export failed")), progress));
        }
    };
    if rows.len() > usize::try_from(CHUNK).unwrap_or(usize::MAX) {
        rows.truncate(usize::try_from(CHUNK).unwrap_or(usize::MAX));
        progress.cursor = rows.last().map(|row| store::cursor_of(row, progress.query.sort));
    } else {
        progress.done = true;
    }
    for row in rows {
        let todo = to_todo(row);
        match progress.format {
            Format::Csv => csv_row(&mut out, &todo, &progress.names),
            Format::Ndjson => {
                out.push_str(&serde_json::to_string(&todo).unwrap_or_default());
                out.push('\n');
            }
        }
    }
    Some((Ok(Bytes::from(out)), progress))
}

/// The export handler.
pub async fn todos(
    State(state): State<AppState>,
    auth: Option<Extension<RequestAuth>>,
    headers: HeaderMap,
    params: Result<Query<ExportParams>, QueryRejection>,
) -> Response {
    let result = async {
        let Query(params) = params.map_err(|_| AppError::new(ErrorCode::ValInvalidFormat))?;
        let format = match params.format.as_deref().map(str::trim) {
            None | Some("" | "csv") => Format::Csv,
            Some("ndjson") => Format::Ndjson,
            Some(_) => return Err(AppError::invalid_field("format", ErrorCode::ValInvalidFormat)),
        };
        let auth = auth
            .and_then(|Extension(auth)| AuthContext::of_request(&auth))
            .ok_or_else(AppError::unauthenticated)?;
        let (org, query) = export_query(&state.platform, &auth, &params.list).await?;
        let names = match format {
            Format::Csv => crate::orgs::service::member_names(&state.platform, &org).await?,
            Format::Ndjson => HashMap::new(),
        };
        Ok((format, org, query, names))
    }
    .await;
    let (format, org, query, names) = match result {
        Ok(parts) => parts,
        Err(error) => return error_response(error, &headers, &state.platform.config),
    };
    let (content_type, extension) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::Ndjson => ("application/x-ndjson; charset=utf-8", "ndjson"),
    };
    let filename = format!("todos-{}.{extension}", platform::clock::now_utc().format("%Y-%m-%d"));
    tracing::info!(org_id = %org.id(), user_id = %org.user_id(), extension, "export started");
    let progress = Progress {
        state: state.clone(),
        org,
        cursor: query.cursor.clone(),
        query,
        format,
        names,
        started: false,
        done: false,
    };
    // Fused: the compression layer polls once more after the end.
    let body = Body::from_stream(stream::unfold(progress, next_chunk).fuse());
    let mut response = body.into_response();
    let response_headers = response.headers_mut();
    response_headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        response_headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        let field = |value: &str| {
            let mut out = String::new();
            csv_field(&mut out, value);
            out
        };
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("ñandú"), "ñandú");
    }
}
