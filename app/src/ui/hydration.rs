//! The page's hydration, as a moment: work that changes what the page shows (a panel, a
//! request whose answer re-renders the shell) waits until the browser has taken over the
//! server's HTML, so that it never races the walk of hydration over it.

thread_local! {
    static HYDRATION: std::cell::RefCell<Hydration> =
        const { std::cell::RefCell::new(Hydration::Running(Vec::new())) };
}

enum Hydration {
    /// Work to do once the page is hydrated.
    Running(Vec<Box<dyn FnOnce()>>),
    Done,
}

/// Runs `task` once the page has been hydrated, at once if it has been; never on the server.
pub fn after_hydration(task: impl FnOnce() + 'static) {
    if !cfg!(feature = "hydrate") {
        return;
    }
    let now = HYDRATION.with_borrow_mut(|state| match state {
        Hydration::Running(tasks) => {
            tasks.push(Box::new(task));
            None
        }
        Hydration::Done => Some(task),
    });
    if let Some(task) = now {
        task();
    }
}

/// Called once the page has been hydrated: runs what waited for it.
pub fn hydration_done() {
    let tasks =
        HYDRATION.with_borrow_mut(|state| match std::mem::replace(state, Hydration::Done) {
            Hydration::Running(tasks) => tasks,
            Hydration::Done => Vec::new(),
        });
    for task in tasks {
        task();
    }
}
