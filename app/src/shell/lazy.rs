//! Pages compiled into wasm chunks of their own and loaded when their route is first shown.
//!
//! [`lazy_page!`] turns a page component into a [`LazyRoute`](leptos_router::LazyRoute): on the
//! server it renders the page at once (and asks for the chunk to be preloaded by the HTML); in
//! the browser it loads the chunk first. A chunk that cannot be loaded — the network failed, or
//! a new deployment replaced the files — leaves an empty page frame and shows
//! [`PageLoadError`], a translated panel with a reload button; it never panics the app.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_url};

use crate::{i18n::use_i18n, ui::after_hydration};

/// A page's chunk could not be loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkError;

#[cfg(feature = "hydrate")]
impl From<leptos::wasm_split::SplitLoaderError> for ChunkError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Self
    }
}

/// The path whose page failed to load, if any (provided by the app shell). Keeping the path
/// rather than a flag hides the panel as soon as another page is shown.
#[derive(Clone, Copy, Debug)]
pub struct PageLoadFailure(RwSignal<Option<String>>);

impl PageLoadFailure {
    /// Provides a fresh (nothing failed) state to the app.
    pub fn provide() {
        provide_context(Self(RwSignal::new(None)));
    }
}

/// The page frame around a lazily loaded page, or an empty frame (and the panel) when its
/// chunk failed to load.
///
/// The router loads the chunk first (the route's `preload`) and renders the page once that is
/// done; `preload_failed` says it failed. Then the page is not asked for again: the frame must
/// be ready at once, as hydration continues synchronously after the preload. The empty frame
/// lines up with the server's HTML, which stays in place (its links and plain forms keep
/// working) under the panel; the next navigation tries again.
pub async fn page_frame(
    page: impl Future<Output = Result<AnyView, ChunkError>>,
    preload_failed: bool,
) -> AnyView {
    // Read before waiting, in the route's own context: the path being navigated to (the
    // address bar changes only once the page is ready).
    let failure = use_context::<PageLoadFailure>();
    let path = use_url().with_untracked(|url| url.path().to_owned());
    let loaded = if preload_failed { Err(ChunkError) } else { page.await };
    if let (Err(ChunkError), Some(PageLoadFailure(failed))) = (&loaded, failure) {
        // Revealing the panel changes the DOM: never while hydration is still walking it.
        after_hydration(move || failed.set(Some(path)));
    }
    match loaded {
        Ok(page) => view! { <div class="page-frame">{page}</div> }.into_any(),
        Err(ChunkError) => view! { <div class="page-frame"></div> }.into_any(),
    }
}

/// A page's chunk is being loaded (again): the panel of an earlier failure goes away, so that
/// it never stands for an attempt still under way (its reload would reload the page before).
pub fn loading_page() {
    if let Some(PageLoadFailure(failed)) = use_context::<PageLoadFailure>()
        && failed.get_untracked().is_some()
    {
        failed.set(None);
    }
}

/// The panel shown while the current route's page could not be loaded. It sits before the
/// routes, so it hydrates (hidden) before a failing page can reveal it.
#[component]
pub fn PageLoadError() -> impl IntoView {
    let i18n = use_i18n();
    let failed = use_context::<PageLoadFailure>().map(|PageLoadFailure(failed)| failed);
    let path = use_location().pathname;
    move || {
        let current = path.get();
        failed.and_then(|failed| failed.get()).filter(|failed| *failed == current).map(|_| {
            view! {
                <section class="error-panel" role="alert" data-testid="page-load-error">
                    <h2>{move || i18n.t("error-title")}</h2>
                    <p>{move || i18n.t("error-page-load")}</p>
                    <button type="button" class="btn btn-primary" on:click=|_| reload()>
                        {move || i18n.t("error-reload")}
                    </button>
                </section>
            }
        })
    }
}

fn reload() {
    let _ = window().location().reload();
}

/// Declares `$route`, a lazily loaded route showing the component `$page`, compiled into the
/// wasm chunk `$chunk` (its file is `split_$chunk.*.wasm`).
///
/// Pages usually visited together share a chunk (see [`super::routes`]): with a chunk per
/// page the code shared by some pages is cut into one file per set of pages using it, 137
/// small files for the todos page, which compress worse and arrive six at a time over
/// HTTP/1.1; with a chunk per area, 49.
///
/// ```ignore
/// lazy_page!(TodosRoute: TodosPage in todos);
/// // <Route path=path!("todos") view=Lazy::<TodosRoute>::new() />
/// ```
macro_rules! lazy_page {
    ($(#[$meta:meta])* $route:ident: $page:ident in $chunk:ident) => {
        $(#[$meta])*
        #[derive(Debug)]
        pub struct $route;

        const _: () = {
            use ::leptos::prelude::{AnyView, IntoAny as _, view};
            use $crate::shell::lazy::{ChunkError, page_frame};

            // The loader is named after the route: the splitter tells the pages of one chunk
            // apart by their loaders' names. (Only the value namespace: the struct keeps the
            // type's.)
            #[cfg(feature = "hydrate")]
            #[allow(non_snake_case)]
            #[::leptos::wasm_split::wasm_split(
                $chunk,
                wasm_split_path = ::leptos::wasm_split,
                preload(preload_chunk),
                fallible
            )]
            fn $route() -> Result<AnyView, ChunkError> {
                Ok(view! { <$page /> }.into_any())
            }

            #[cfg(not(feature = "hydrate"))]
            #[allow(non_snake_case)]
            async fn $route() -> Result<AnyView, ChunkError> {
                // The HTML asks the browser to fetch this page's chunks along with the main one.
                ::leptos::prefetch_lazy_fn_on_server(stringify!($chunk));
                Ok(view! { <$page /> }.into_any())
            }

            /// Whether the last attempt to load the chunk failed.
            static PRELOAD_FAILED: ::std::sync::atomic::AtomicBool =
                ::std::sync::atomic::AtomicBool::new(false);

            impl ::leptos_router::LazyRoute for $route {
                fn data() -> Self {
                    Self
                }

                async fn view(_: Self) -> AnyView {
                    let failed = PRELOAD_FAILED.load(::std::sync::atomic::Ordering::Relaxed);
                    page_frame($route(), failed).await
                }

                async fn preload() {
                    $crate::shell::lazy::loading_page();
                    #[cfg(feature = "hydrate")]
                    PRELOAD_FAILED.store(
                        preload_chunk().await.is_err(),
                        ::std::sync::atomic::Ordering::Relaxed,
                    );
                }
            }
        };
    };
}

pub(crate) use lazy_page;
