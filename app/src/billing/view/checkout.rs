//! `/billing/checkout/{session}`: the local provider's checkout page. It takes test cards the
//! way a provider's hosted page takes real ones: one that pays, ones that are declined, one
//! that asks the cardholder to confirm first.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{
    NavigateOptions,
    components::A,
    hooks::{use_navigate, use_params_map},
};

use super::page::BillingAlert;
use crate::{
    account::view::RequireUser,
    billing::{
        api::{ConfirmCheckout, PayCheckout, get_checkout_session},
        model::{CheckoutSession, Payment, SessionInput, format_money},
        plans::Interval,
    },
    error::AppError,
    forms::{Field, Submit, form_error},
    i18n::use_i18n,
    ui::{AuthCard, Loaded},
};

/// The test cards, as shown on the page: number and what it does.
pub(super) const TEST_CARDS: [(&str, &str); 5] = [
    ("4242 4242 4242 4242", "checkout-card-pays"),
    ("4000 0000 0000 0002", "checkout-card-declined"),
    ("4000 0000 0000 9995", "checkout-card-insufficient"),
    ("4000 0025 0000 3155", "checkout-card-confirm"),
    ("4000 0000 0000 0341", "checkout-card-renewal-fails"),
];

/// `/billing/checkout/{session}`.
#[component]
pub fn CheckoutPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("session").unwrap_or_default());
    let reload = RwSignal::new(0_u32);
    let session = Resource::new(
        move || (id.get(), reload.get()),
        |(session, _)| get_checkout_session(SessionInput { session }),
    );
    // The actions outlive each rendering of the session, so a refusal stays on screen when
    // the page shows the session again.
    let pay = ServerAction::<PayCheckout>::new();
    let confirm = ServerAction::<ConfirmCheckout>::new();
    let (pay_error, confirm_error) = (form_error(pay), form_error(confirm));
    let confirmed_last = RwSignal::new(false);
    let error = Signal::derive(move || {
        // Without JavaScript, the refused form's error comes back in the address.
        if confirmed_last.get() {
            confirm_error.get()
        } else {
            pay_error.get().or_else(|| confirm_error.get())
        }
    });
    let navigate = use_navigate();
    let after = move |answer: Option<Result<Payment, AppError>>, confirming: bool| {
        let Some(answer) = answer else { return };
        confirmed_last.set(confirming);
        match answer {
            Ok(payment) if payment.status == "complete" => {
                navigate(&payment.redirect, NavigateOptions::default());
            }
            // A step to confirm, or a confirmation refused: the session's state changed.
            Ok(_) => reload.update(|n| *n += 1),
            Err(_) if confirming => reload.update(|n| *n += 1),
            Err(_) => {}
        }
    };
    let after_confirm = after.clone();
    Effect::new(move |_| after(pay.value().get(), false));
    Effect::new(move |_| after_confirm(confirm.value().get(), true));
    let actions = Actions { pay, confirm, error };
    view! {
        <RequireUser>
            <AuthCard id="checkout-title" title="checkout-title">
                <Loaded resource=session ok={move |session: CheckoutSession| view! { <Checkout session actions /> }} />
            </AuthCard>
        </RequireUser>
    }
}

/// The checkout page's two actions and the error of the one used last.
#[derive(Clone, Copy)]
struct Actions {
    pay: ServerAction<PayCheckout>,
    confirm: ServerAction<ConfirmCheckout>,
    error: Signal<Option<AppError>>,
}

#[component]
fn Checkout(session: CheckoutSession, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let Actions { pay, confirm, error } = actions;
    let per = match session.interval {
        Interval::Monthly => "billing-per-monthly",
        Interval::Annual => "billing-per-annual",
    };
    let price =
        format!("{} {}", format_money(session.amount_minor, &session.currency), i18n.t(per));
    let summary = i18n.t_args(
        "checkout-summary",
        &[
            ("plan", i18n.t(session.plan.label_key()).into()),
            ("org", session.org_name.clone().into()),
            ("price", price.clone().into()),
        ],
    );
    let today = if session.trial {
        i18n.t_args(
            "checkout-trial",
            &[("days", session.plan.spec().trial_days.into()), ("price", price.into())],
        )
    } else {
        i18n.t_args(
            "checkout-today",
            &[("amount", format_money(session.amount_minor, &session.currency).into())],
        )
    };
    let back = format!("/o/{}/billing", session.org_slug);
    let body = match session.status.as_str() {
        "complete" => view! {
            <p role="status" data-testid="checkout-complete">{i18n.t("checkout-complete")}</p>
            <A href=format!("{back}?checkout=success") attr:class="btn btn-primary">{i18n.t("checkout-back")}</A>
        }
        .into_any(),
        "expired" => view! {
            <p role="alert" data-testid="checkout-expired">{i18n.t("checkout-expired")}</p>
            <A href=back.clone() attr:class="btn btn-secondary">{i18n.t("checkout-back")}</A>
        }
        .into_any(),
        "action_required" => {
            let (approve_id, refuse_id) = (session.id.clone(), session.id.clone());
            view! {
            <p data-testid="checkout-confirm">{i18n.t("checkout-confirm-intro")}</p>
            <BillingAlert error />
            <div class="form-actions">
                <ActionForm action=confirm>
                    <input type="hidden" name="session" value=approve_id />
                    <input type="hidden" name="approve" value="true" />
                    <Submit label="checkout-approve" pending=confirm.pending() />
                </ActionForm>
                <ActionForm action=confirm>
                    <input type="hidden" name="session" value=refuse_id />
                    <button type="submit" class="btn btn-secondary" data-testid="checkout-refuse">
                        {i18n.t("checkout-refuse")}
                    </button>
                </ActionForm>
            </div>
            }
            .into_any()
        }
        _ => {
            let pay_id = session.id.clone();
            let cards = TEST_CARDS
                .iter()
                .map(|(number, key)| view! { <li><code>{*number}</code> " — " {i18n.t(key)}</li> })
                .collect_view();
            view! {
                <ActionForm action=pay attr:novalidate=true>
                    <BillingAlert error />
                    <input type="hidden" name="session" value=pay_id />
                    <Field name="card" label="checkout-card" error autocomplete="cc-number" inputmode="numeric" maxlength=32 />
                    <Submit label="checkout-pay" pending=pay.pending() />
                </ActionForm>
                <details class="test-cards">
                    <summary>{i18n.t("checkout-test-cards")}</summary>
                    <ul>{cards}</ul>
                </details>
                <A href=back.clone()>{i18n.t("checkout-cancel")}</A>
            }
            .into_any()
        }
    };
    view! {
        <p data-testid="checkout-summary">{summary}</p>
        <p>{today}</p>
        {body}
    }
}
