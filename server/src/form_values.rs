//! What a refused plain form (no JavaScript) keeps: the server function answers a browser's form
//! post with a redirect back to the page, its error in the address (`__path`, `__err`); this
//! layer adds what was typed (`__form`) so the page renders the form filled in again, as the
//! hydrated form would have stayed. Never secrets: passwords, codes and tokens are left out, and
//! a success takes the values off the address again.

use axum::{
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use app::{forms::KEPT_VALUES_PARAM, state::AppState};

/// The most of what was typed carried back in the address; a longer form comes back as the
/// page renders it (a URL stays well under every browser's and proxy's limit).
const MAX_KEPT_BYTES: usize = 2 * 1024;

/// Field names whose values never travel in an address.
const SECRET_NAMES: [&str; 5] = ["password", "code", "token", "secret", "csrf"];

/// The layer: only for a browser's form posts to the API.
pub async fn keep_form_values(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let is_browser_form = request.method() == Method::POST
        && request.uri().path().starts_with("/api/")
        && header_contains(&request, header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        && header_contains(&request, header::ACCEPT, "text/html");
    if !is_browser_form {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, state.platform.config.max_body_bytes).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let kept = kept_values(&bytes);
    let mut response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    if response.status().is_redirection()
        && let Some(location) = response.headers().get(header::LOCATION)
        && let Ok(location) = location.to_str()
        && let Ok(location) = HeaderValue::from_str(&with_kept_values(location, kept.as_deref()))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

fn header_contains(request: &Request, name: header::HeaderName, value: &str) -> bool {
    request.headers().get(name).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains(value))
}

/// The non-secret fields of a form body, form-encoded again; `None` when nothing is left or it
/// is too long to carry.
fn kept_values(body: &[u8]) -> Option<String> {
    let mut kept = form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (name, value) in form_urlencoded::parse(body) {
        let lower = name.to_ascii_lowercase();
        if value.is_empty()
            || name.starts_with("__")
            || SECRET_NAMES.iter().any(|s| lower.contains(s))
        {
            continue;
        }
        kept.append_pair(&name, &value);
        any = true;
    }
    let kept = kept.finish();
    (any && kept.len() <= MAX_KEPT_BYTES).then_some(kept)
}

/// `location` without an earlier `__form` or an earlier refusal (a page refused twice is sent
/// back with both, the older first), and with `kept` when the redirect reports an error.
fn with_kept_values(location: &str, kept: Option<&str>) -> String {
    let (path, query) = location.split_once('?').unwrap_or((location, ""));
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name != KEPT_VALUES_PARAM)
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    for name in ["__path", "__err"] {
        if let Some(last) = pairs.iter().rposition(|(n, _)| n == name) {
            let mut index = 0;
            pairs.retain(|(n, _)| {
                index += 1;
                n != name || index - 1 == last
            });
        }
    }
    let failed = pairs.iter().any(|(name, _)| name == "__err");
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(&pairs);
    if failed && let Some(kept) = kept {
        query.append_pair(KEPT_VALUES_PARAM, kept);
    }
    let query = query.finish();
    if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") }
}

#[cfg(test)]
mod tests {
    use super::{kept_values, with_kept_values};

    #[test]
    fn secrets_and_empty_fields_are_never_kept() {
        let body = b"name=Ada+L&email=ada%40example.com&password=hunter22&current_password=x\
            &code=123456&token=abc&return_to=%2Forgs&title=";
        assert_eq!(
            kept_values(body).as_deref(),
            Some("name=Ada+L&email=ada%40example.com&return_to=%2Forgs")
        );
        assert_eq!(kept_values(b"password=only"), None);
        assert_eq!(kept_values(format!("title={}", "x".repeat(3000)).as_bytes()), None);
    }

    #[test]
    fn values_ride_on_a_refusal_and_leave_with_a_success() {
        let kept = Some("email=ada%40example.com");
        assert_eq!(
            with_kept_values("http://h/sign-up?__path=%2Fapi%2Fx&__err=AB", kept),
            "http://h/sign-up?__path=%2Fapi%2Fx&__err=AB&__form=email%3Dada%2540example.com"
        );
        assert_eq!(
            with_kept_values("http://h/sign-up?next=%2Fa&__form=email%3Dold", kept),
            "http://h/sign-up?next=%2Fa"
        );
        assert_eq!(with_kept_values("/orgs", kept), "/orgs");
        assert_eq!(
            with_kept_values("/p?__path=a&__err=OLD&__form=x%3D1&__path=a&__err=NEW", None),
            "/p?__path=a&__err=NEW"
        );
    }
}
