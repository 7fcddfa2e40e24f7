//! Uploads from the browser: a form sent in the background by `XMLHttpRequest` (the one browser
//! API that reports upload progress), its JSON answer or typed refusal. On the server these are
//! never called: the form posts itself.

use leptos::{html, prelude::*};
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// Sends `form` (multipart, to its `action`) and calls `done` with the decoded answer, reporting
/// the share sent (0–100) in `progress`.
pub fn post<T: DeserializeOwned + 'static>(
    form: &<html::Form as html::ElementType>::Output,
    progress: RwSignal<Option<u32>>,
    done: impl FnOnce(Result<T, AppError>) + 'static,
) {
    #[cfg(feature = "hydrate")]
    browser::post(form, progress, done);
    #[cfg(not(feature = "hydrate"))]
    let _ = (form, progress, done);
}

/// A local address showing the file chosen in `input`, until [`revoke`]d.
pub fn object_url(input: &<html::Input as html::ElementType>::Output) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let file = input.files()?.get(0)?;
        web_sys::Url::create_object_url_with_blob(&file).ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = input;
        None
    }
}

/// Frees an address made by [`object_url`].
pub fn revoke(url: &str) {
    #[cfg(feature = "hydrate")]
    let _ = web_sys::Url::revoke_object_url(url);
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use serde::de::DeserializeOwned;
    use wasm_bindgen::{JsCast as _, closure::Closure};
    use web_sys::{FormData, HtmlFormElement, ProgressEvent, XmlHttpRequest};

    use crate::error::{AppError, ErrorCode};

    /// The answer of a finished request: the value, the refusal the server sent, or a lost
    /// connection (status 0).
    fn decode<T: DeserializeOwned>(status: u16, body: &str) -> Result<T, AppError> {
        match status {
            0 => Err(AppError::new(ErrorCode::NetConnectionError)),
            200..=299 => {
                serde_json::from_str(body).map_err(|_| AppError::new(ErrorCode::SysServerError))
            }
            _ => Err(serde_json::from_str(body)
                .unwrap_or_else(|_| AppError::new(ErrorCode::SysServerError))),
        }
    }

    pub fn post<T: DeserializeOwned + 'static>(
        form: &HtmlFormElement,
        progress: RwSignal<Option<u32>>,
        done: impl FnOnce(Result<T, AppError>) + 'static,
    ) {
        let lost = || AppError::new(ErrorCode::NetConnectionError);
        let started = FormData::new_with_form(form).and_then(|data| {
            let request = XmlHttpRequest::new()?;
            request.open("POST", &form.action())?;
            // JSON answers, not the redirect a plain form post gets.
            request.set_request_header("Accept", "application/json")?;
            Ok((request, data))
        });
        let Ok((request, data)) = started else {
            done(Err(lost()));
            return;
        };
        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                let share = (event.loaded() / event.total() * 100.0).clamp(0.0, 100.0);
                // A whole percent between 0 and 100: the cast cannot truncate.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                progress.try_set(Some(share.floor() as u32));
            }
        });
        if let Ok(upload) = request.upload() {
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        // `loadend` runs once, after success, failure or abort; the closure frees itself (and
        // the progress handler) once called.
        let finished = {
            let request = request.clone();
            Closure::once_into_js(move || {
                let body = request.response_text().ok().flatten().unwrap_or_default();
                done(decode(request.status().unwrap_or(0), &body));
                drop(on_progress);
            })
        };
        request.set_onloadend(Some(finished.unchecked_ref()));
        if request.send_with_opt_form_data(Some(&data)).is_err() {
            request.abort().ok();
        }
    }
}
