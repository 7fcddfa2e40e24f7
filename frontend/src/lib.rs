//! The browser entry point: hydrates the server-rendered page, loading the chunk of each
//! route's page as it is needed.

// The type of the app's hydration future is deep (one level per nested view).
#![recursion_limit = "256"]

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the hydration script once the wasm module has loaded.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        // Waits for the chunks of the pages on screen, then hydrates them with the rest.
        // Boxed: the future holds the whole app's hydration state (~60 kB).
        let app =
            Box::pin(leptos::mount::hydrate_from_async(leptos::tachys::dom::body(), app::App))
                .await;
        app.forget();
        app::shell::mark_hydrated();
    });
}
