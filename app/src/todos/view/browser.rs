//! What the todos page does only in the browser: keyboard shortcuts, and the export streamed
//! with progress (following `/api/ws/todos` is [`crate::ui::follow_feed`]). On the server, and
//! without JavaScript, these are no-ops: the page is complete without them.

use leptos::prelude::*;

use crate::{i18n::I18n, ui::Toasts};

/// `n` focuses the quick-add title, `/` the search (unless typing in a field already).
pub fn shortcuts() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast as _;
        let handle = window_event_listener(leptos::ev::keydown, |event| {
            if event.ctrl_key() || event.meta_key() || event.alt_key() {
                return;
            }
            let typing = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|element| {
                    matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                });
            let target = match event.key().as_str() {
                "n" if !typing => "todo-new-title",
                "/" if !typing => "todo-search",
                _ => return,
            };
            if let Some(element) = document()
                .get_element_by_id(target)
                .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
            {
                event.prevent_default();
                let _ = element.focus();
            }
        });
        on_cleanup(move || handle.remove());
    }
}

/// Whether the export can be streamed with progress here (a hydrated page).
pub fn can_stream() -> bool {
    cfg!(feature = "hydrate")
}

/// Downloads `url` (a CSV export), reporting rows received in `progress` (`None` when done).
pub fn download(url: String, progress: RwSignal<Option<u64>>, toasts: Toasts, i18n: I18n) {
    #[cfg(feature = "hydrate")]
    {
        progress.set(Some(0));
        leptos::task::spawn_local(async move {
            let result = export::fetch(&url, progress).await;
            progress.try_set(None);
            match result {
                Ok(rows) => toasts.info(i18n.t_args("todos-exported", &[("rows", rows.into())])),
                Err(error) => toasts.error(crate::forms::error_message(i18n, &error)),
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, progress, toasts, i18n);
}

#[cfg(feature = "hydrate")]
mod export {
    use leptos::prelude::*;
    use wasm_bindgen::{JsCast as _, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        Blob, BlobPropertyBag, HtmlAnchorElement, ReadableStreamDefaultReader, Response, Url,
    };

    use crate::error::{AppError, ErrorCode};

    fn lost(_: JsValue) -> AppError {
        AppError::new(ErrorCode::NetConnectionError)
    }

    /// Streams the export at `url` into a file download; answers the number of rows.
    pub async fn fetch(url: &str, progress: RwSignal<Option<u64>>) -> Result<u64, AppError> {
        let response: Response =
            JsFuture::from(window().fetch_with_str(url)).await.map_err(lost)?.unchecked_into();
        if !response.ok() {
            let text = JsFuture::from(response.text().map_err(lost)?).await.map_err(lost)?;
            let text = text.as_string().unwrap_or_default();
            return Err(serde_json::from_str(&text)
                .unwrap_or_else(|_| AppError::new(ErrorCode::SysServerError)));
        }
        let filename = response
            .headers()
            .get("content-disposition")
            .ok()
            .flatten()
            .and_then(|value| {
                value.split("filename=\"").nth(1).map(|rest| rest.trim_end_matches('"').to_owned())
            })
            .unwrap_or_else(|| "todos.csv".to_owned());
        let body = response.body().ok_or_else(|| AppError::new(ErrorCode::NetConnectionError))?;
        let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        let parts = js_sys::Array::new();
        let (mut rows, mut quoted) = (0_u64, false);
        loop {
            let chunk = JsFuture::from(reader.read()).await.map_err(lost)?;
            let done = js_sys::Reflect::get(&chunk, &"done".into())
                .ok()
                .and_then(|d| d.as_bool())
                .unwrap_or(true);
            if done {
                break;
            }
            let bytes: js_sys::Uint8Array =
                js_sys::Reflect::get(&chunk, &"value".into()).map_err(lost)?.unchecked_into();
            // A record ends at a line break outside quotes (RFC 4180: a quote inside a field
            // is doubled, which toggles twice).
            for byte in bytes.to_vec() {
                match byte {
                    b'"' => quoted = !quoted,
                    b'\n' if !quoted => rows += 1,
                    _ => {}
                }
            }
            parts.push(&bytes);
            progress.try_set(Some(rows.saturating_sub(1)));
        }
        let options = BlobPropertyBag::new();
        options.set_type("text/csv;charset=utf-8");
        let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(lost)?;
        let href = Url::create_object_url_with_blob(&blob).map_err(lost)?;
        let link: HtmlAnchorElement =
            document().create_element("a").map_err(lost)?.unchecked_into();
        link.set_href(&href);
        link.set_download(&filename);
        link.click();
        set_timeout(
            move || {
                let _ = Url::revoke_object_url(&href);
            },
            std::time::Duration::from_secs(30),
        );
        // The first record is the header.
        Ok(rows.saturating_sub(1))
    }
}
