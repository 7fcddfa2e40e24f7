//! `/o/{slug}/billing`: the current plan and its state, what the organization uses of it, the
//! plans to choose from (monthly or annual), and the invoices. Owners and admins get the
//! buttons; everyone else sees the same page without them (the server refuses them anyway).

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{NavigateOptions, hooks::use_navigate};

use crate::{
    billing::{
        api::{
            CancelSubscription, ChangePlan, CreateCheckout, OpenPortal, ResumeSubscription,
            get_subscription, get_usage, list_invoices,
        },
        model::{
            InvoiceInfo, ProviderKind, SubscriptionInfo, SubscriptionStatus, Usage, UsageItem,
            format_money,
        },
        plans::{Interval, PLANS, Plan, PlanSpec, annual_savings_percent},
    },
    error::{AppError, ErrorCode},
    forms::{error_message, form_error, query_param},
    i18n::{I18n, use_i18n},
    orgs::{
        model::{OrgInput, OrgSummary},
        permissions::Permission,
        view::WithOrg,
    },
    ui::{DataTable, EmptyState, Loaded, Time, follow_feed, format_bytes},
};

/// The translation key of each refusal reason the billing forms explain.
pub const DECLINE_KEYS: [(&str, &str); 7] = [
    ("card_declined", "billing-reason-card-declined"),
    ("insufficient_funds", "billing-reason-insufficient-funds"),
    ("authentication_failed", "billing-reason-authentication-failed"),
    ("already_subscribed", "billing-reason-already-subscribed"),
    ("trial_used", "billing-reason-trial-used"),
    ("checkout_closed", "billing-reason-checkout-closed"),
    ("no_subscription", "billing-reason-no-subscription"),
];

/// What went wrong with a billing action, in words: the code's message and, where the error
/// says more (a decline reason, the limit a plan change would cross), that too.
pub fn explain(i18n: I18n, error: &AppError) -> String {
    let message = error_message(i18n, error);
    let detail = |key: &str| error.details.get(key).and_then(serde_json::Value::as_str);
    let more = match error.code {
        ErrorCode::BizLimitExceeded => {
            let number = |key: &str| error.details.get(key).and_then(serde_json::Value::as_i64);
            detail("limit").map(|limit| {
                let used = number("used").unwrap_or_default();
                let max = number("max").unwrap_or_default();
                let (used, max) = if limit == "storage" {
                    (format_bytes(used), format_bytes(max))
                } else {
                    (used.to_string(), max.to_string())
                };
                i18n.t_args(
                    "billing-over-limit",
                    &[
                        ("what", i18n.t(&format!("billing-usage-{limit}")).into()),
                        ("used", used.into()),
                        ("max", max.into()),
                    ],
                )
            })
        }
        _ => detail("reason")
            .and_then(|reason| DECLINE_KEYS.iter().find(|(known, _)| *known == reason))
            .map(|(_, key)| i18n.t(key)),
    };
    match more {
        Some(more) => format!("{message} {more}"),
        None => message,
    }
}

/// A billing form's alert.
#[component]
pub fn BillingAlert(error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|error| {
            view! {
                <p class="form-alert" role="alert" data-code=error.code.as_str()>
                    {explain(i18n, &error)}
                </p>
            }
        })
    }
}

/// `/o/{slug}/billing`.
#[component]
pub fn BillingPage() -> impl IntoView {
    view! { <WithOrg render=|org| view! { <Billing org /> } /> }
}

/// Goes to `url`: a page of this app through the router, a provider's page by loading it.
fn follow(navigate: &impl Fn(&str, NavigateOptions), url: &str) {
    if url.starts_with('/') {
        navigate(url, NavigateOptions::default());
    } else {
        #[cfg(feature = "hydrate")]
        let _ = window().location().set_href(url);
    }
}

#[component]
fn Billing(org: OrgSummary) -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0_u32);
    let input = OrgInput { org: org.id.clone() };
    let subscription = Resource::new(move || reload.get(), {
        let input = input.clone();
        move |_| get_subscription(input.clone())
    });
    let usage = Resource::new(move || reload.get(), {
        let input = input.clone();
        move |_| get_usage(input.clone())
    });
    let invoices = Resource::new(move || reload.get(), {
        let input = input.clone();
        move |_| list_invoices(input.clone())
    });
    // A change made elsewhere (another tab, a teammate, the provider) reads it all again.
    let live = follow_feed(format!("/api/ws/billing?org={}", org.id), reload);
    let manage = org.role.can(Permission::BillingManage);
    let paid = query_param("checkout");
    let interval = query_param("interval");
    let interval = Memo::new(move |_| {
        interval.get().and_then(|text| text.parse().ok()).unwrap_or(Interval::Monthly)
    });
    let base = format!("/o/{}/billing", org.slug);
    let org_id = org.id.clone();
    view! {
        <section class="billing" aria-labelledby="billing-title" data-live=move || live.get().as_str()>
            <h2 id="billing-title">{move || i18n.t("billing-title")}</h2>
            <Show when=move || paid.get().as_deref() == Some("success")>
                <p class="callout" role="status" data-testid="checkout-success">
                    {move || i18n.t("billing-checkout-success")}
                </p>
            </Show>
            <Loaded
                resource=subscription
                ok={
                    let (org_id, base) = (org_id.clone(), base.clone());
                    move |sub: SubscriptionInfo| {
                        view! {
                            <Current sub=sub.clone() manage org=org_id.clone() reload />
                            <Loaded resource=usage ok={move |usage: Usage| view! { <UsageBars usage /> }} />
                            <Plans sub manage org=org_id.clone() base=base.clone() interval reload />
                        }
                    }
                }
            />
            <section class="settings-block" aria-labelledby="invoices-title">
                <h3 id="invoices-title">{move || i18n.t("billing-invoices-title")}</h3>
                <Loaded resource=invoices ok={move |list: Vec<InvoiceInfo>| view! { <Invoices list /> }} />
            </section>
        </section>
    }
}

/// The plan, its status and dates, and cancel or resume.
#[component]
fn Current(
    sub: SubscriptionInfo,
    manage: bool,
    org: String,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let cancel = ServerAction::<CancelSubscription>::new();
    let resume = ServerAction::<ResumeSubscription>::new();
    let portal = ServerAction::<OpenPortal>::new();
    let cancel_error = form_error(cancel);
    let resume_error = form_error(resume);
    let portal_error = form_error(portal);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(redirect)) = portal.value().get() {
            follow(&navigate, &redirect.url);
        }
    });
    Effect::new(move |_| {
        if matches!(cancel.value().get(), Some(Ok(_)))
            || matches!(resume.value().get(), Some(Ok(_)))
        {
            reload.update(|n| *n += 1);
        }
    });
    let plan_name = i18n.t(sub.plan.label_key());
    let status = sub.status.filter(|status| status.is_live());
    let past_due = (sub.status == Some(SubscriptionStatus::PastDue)).then(|| {
        let until = sub.grace_until.clone().unwrap_or_default();
        view! {
            <p class="callout callout-warning" role="alert" data-testid="past-due">
                {move || i18n.t("billing-past-due")} " " <Time at=until.clone() />
            </p>
        }
    });
    let dates = match (status, sub.cancel_at_period_end) {
        (Some(SubscriptionStatus::Trialing), false) => {
            sub.trial_end.clone().map(|end| ("billing-trial-ends", end))
        }
        (Some(_), true) => sub.current_period_end.clone().map(|end| ("billing-ends-on", end)),
        (Some(_), false) => sub.current_period_end.clone().map(|end| ("billing-renews-on", end)),
        (None, _) => None,
    };
    let dates = dates.map(|(key, at)| view! { <p data-testid="billing-date">{move || i18n.t(key)} " " <Time at day_only=true /></p> });
    let effective_differs = sub.effective_plan != sub.plan;
    let effective = i18n.t(sub.effective_plan.label_key());
    let portal_org = org.clone();
    let action = (manage && status.is_some()).then(|| {
        if sub.cancel_at_period_end {
            view! {
                <ActionForm action=resume>
                    <BillingAlert error=resume_error />
                    <input type="hidden" name="org" value=org.clone() />
                    <button type="submit" class="btn btn-primary" data-testid="resume">
                        {move || i18n.t("billing-resume")}
                    </button>
                </ActionForm>
            }
            .into_any()
        } else {
            view! {
                <ActionForm action=cancel>
                    <BillingAlert error=cancel_error />
                    <input type="hidden" name="org" value=org.clone() />
                    <button type="submit" class="btn btn-secondary" data-testid="cancel">
                        {move || i18n.t("billing-cancel")}
                    </button>
                </ActionForm>
            }
            .into_any()
        }
    });
    // A provider with its own self-service page (cards, tax ids, receipts) gets a way there.
    let portal_form =
        (manage && sub.provider == ProviderKind::Stripe && sub.has_customer).then(move || {
            view! {
                <ActionForm action=portal>
                    <BillingAlert error=portal_error />
                    <input type="hidden" name="org" value=portal_org />
                    <button type="submit" class="btn btn-secondary" data-testid="portal">
                        {move || i18n.t("billing-portal")}
                    </button>
                </ActionForm>
            }
        });
    view! {
        {past_due}
        <div class="billing-current" data-testid="current-plan">
            <p class="billing-plan-name">
                <strong data-testid="plan-name">{plan_name}</strong>
                {status.map(|status| view! { <span class="badge badge-status" data-testid="plan-status">{move || i18n.t(status.label_key())}</span> })}
                {sub.cancel_at_period_end.then(|| view! { <span class="badge badge-warning">{move || i18n.t("billing-cancelled")}</span> })}
            </p>
            {dates}
            {effective_differs.then(|| view! {
                <p data-testid="effective-plan">{move || i18n.t_args("billing-effective", &[("plan", effective.clone().into())])}</p>
            })}
            {action}
            {portal_form}
        </div>
    }
}

/// One usage line: what, the numbers, and a meter when there is a limit.
fn usage_line(i18n: I18n, key: &'static str, item: UsageItem, bytes: bool) -> impl IntoView {
    let show = move |n: i64| if bytes { format_bytes(n) } else { n.to_string() };
    let numbers = if item.limit < 0 {
        i18n.t_args("billing-used-unlimited", &[("used", show(item.used).into())])
    } else {
        i18n.t_args(
            "billing-used-of",
            &[("used", show(item.used).into()), ("max", show(item.limit).into())],
        )
    };
    let id = format!("usage-{key}");
    let full = item.limit >= 0 && item.used >= item.limit;
    view! {
        <div class="usage-line" class:usage-full=full data-testid=id.clone()>
            <span id=id.clone()>{i18n.t(&format!("billing-usage-{key}"))}</span>
            <span class="usage-numbers">{numbers}</span>
            {(item.limit >= 0).then(|| view! {
                <meter min="0" max=item.limit value=item.used.min(item.limit) aria-labelledby=id.clone()></meter>
            })}
        </div>
    }
}

#[component]
fn UsageBars(usage: Usage) -> impl IntoView {
    let i18n = use_i18n();
    let limited = [usage.todos, usage.members, usage.storage]
        .iter()
        .any(|item| item.limit >= 0 && item.used >= item.limit);
    view! {
        <section class="settings-block" aria-labelledby="usage-title">
            <h3 id="usage-title">{move || i18n.t("billing-usage-title")}</h3>
            {limited.then(|| view! {
                <p class="callout callout-warning" role="status" data-testid="limit-reached">
                    {move || i18n.t("billing-limit-reached")}
                </p>
            })}
            {usage_line(i18n, "todos", usage.todos, false)}
            {usage_line(i18n, "members", usage.members, false)}
            {usage_line(i18n, "storage", usage.storage, true)}
        </section>
    }
}

/// A limit as a line of a plan card.
fn limit_text(i18n: I18n, key: &str, limit: Option<u64>) -> String {
    match limit {
        Some(n) => i18n.t_args(key, &[("count", n.into())]),
        None => i18n.t(&format!("{key}-unlimited")),
    }
}

#[component]
fn Plans(
    sub: SubscriptionInfo,
    manage: bool,
    org: String,
    base: String,
    interval: Memo<Interval>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let checkout = ServerAction::<CreateCheckout>::new();
    let change = ServerAction::<ChangePlan>::new();
    let checkout_error = form_error(checkout);
    let change_error = form_error(change);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(redirect)) = checkout.value().get() {
            follow(&navigate, &redirect.url);
        }
    });
    Effect::new(move |_| {
        if matches!(change.value().get(), Some(Ok(_))) {
            reload.update(|n| *n += 1);
        }
    });
    let switch = Interval::ALL
        .map(|each| {
            let href = format!("{base}?interval={}", each.as_str());
            let key = match each {
                Interval::Monthly => "billing-monthly",
                Interval::Annual => "billing-annual",
            };
            // Plain links: the router's would all be current (one path, another query).
            view! {
                <a href=href class="segment" aria-current=move || (interval.get() == each).then_some("true")>
                    {move || i18n.t(key)}
                </a>
            }
        })
        .collect_view();
    let cards = move || {
        let chosen = interval.get();
        PLANS
            .iter()
            .map(|spec| plan_card(i18n, spec, &sub, manage, &org, chosen, checkout, change))
            .collect_view()
    };
    view! {
        <section class="settings-block" aria-labelledby="plans-title">
            <h3 id="plans-title">{move || i18n.t("billing-plans-title")}</h3>
            <nav class="segments" aria-label=move || i18n.t("billing-interval")>{switch}</nav>
            <BillingAlert error=checkout_error />
            <BillingAlert error=change_error />
            {(!manage).then(|| view! { <p class="field-hint">{move || i18n.t("billing-managers-only")}</p> })}
            <div class="plan-cards">{cards}</div>
        </section>
    }
}

#[allow(clippy::too_many_arguments)]
fn plan_card(
    i18n: I18n,
    spec: &'static PlanSpec,
    sub: &SubscriptionInfo,
    manage: bool,
    org: &str,
    interval: Interval,
    checkout: ServerAction<CreateCheckout>,
    change: ServerAction<ChangePlan>,
) -> impl IntoView + use<> {
    let plan = spec.plan;
    let price = plan.price(interval);
    let live = sub.status.is_some_and(SubscriptionStatus::is_live);
    let current =
        if live { sub.plan == plan && sub.interval == Some(interval) } else { plan == Plan::Free };
    let per = match interval {
        Interval::Monthly => "billing-per-monthly",
        Interval::Annual => "billing-per-annual",
    };
    let savings = (interval == Interval::Annual && plan.is_paid()).then(|| {
        let percent = annual_savings_percent(plan);
        view! { <p class="plan-savings">{i18n.t_args("billing-annual-savings", &[("percent", percent.into())])}</p> }
    });
    let limits = plan.limits();
    let mut lines = vec![
        limit_text(i18n, "billing-limit-todos", limits.todos),
        limit_text(i18n, "billing-limit-members", limits.members),
        i18n.t_args(
            "billing-limit-storage",
            &[(
                "size",
                format_bytes(i64::try_from(limits.storage_bytes).unwrap_or(i64::MAX)).into(),
            )],
        ),
    ];
    lines.extend(spec.features.iter().map(|feature| i18n.t(feature.label_key())));
    let lines = lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view();
    let org = org.to_owned();
    let action = if current {
        Some(view! { <p class="plan-current" data-testid="plan-current">{i18n.t("billing-current-plan")}</p> }.into_any())
    } else if !manage || !plan.is_paid() {
        None
    } else if live {
        Some(view! {
            <ActionForm action=change>
                <input type="hidden" name="org" value=org.clone() />
                <input type="hidden" name="plan" value=plan.as_str() />
                <input type="hidden" name="interval" value=interval.as_str() />
                <button type="submit" class="btn btn-secondary" data-testid=format!("switch-{}", plan.as_str())>
                    {i18n.t_args("billing-switch", &[("plan", i18n.t(plan.label_key()).into())])}
                </button>
            </ActionForm>
        }
        .into_any())
    } else {
        let trial_org = org.clone();
        let trial = sub.trial_available.then(move || view! {
            <ActionForm action=checkout>
                <input type="hidden" name="org" value=trial_org />
                <input type="hidden" name="plan" value=plan.as_str() />
                <input type="hidden" name="interval" value=interval.as_str() />
                <input type="hidden" name="trial" value="true" />
                <button type="submit" class="btn btn-secondary" data-testid=format!("trial-{}", plan.as_str())>
                    {i18n.t_args("billing-start-trial", &[("days", spec.trial_days.into())])}
                </button>
            </ActionForm>
        });
        Some(view! {
            <ActionForm action=checkout>
                <input type="hidden" name="org" value=org.clone() />
                <input type="hidden" name="plan" value=plan.as_str() />
                <input type="hidden" name="interval" value=interval.as_str() />
                <button type="submit" class="btn btn-primary" data-testid=format!("upgrade-{}", plan.as_str())>
                    {i18n.t_args("billing-upgrade", &[("plan", i18n.t(plan.label_key()).into())])}
                </button>
            </ActionForm>
            {trial}
        }
        .into_any())
    };
    view! {
        <article class="plan-card" class:plan-card-current=current data-testid=format!("plan-{}", plan.as_str())>
            <h4>{i18n.t(plan.label_key())}</h4>
            <p class="plan-price">
                <span class="plan-amount">{format_money(price.amount_minor, price.currency)}</span>
                " "
                <span class="plan-per">{i18n.t(per)}</span>
            </p>
            {savings}
            <ul class="plan-limits">{lines}</ul>
            {action}
        </article>
    }
}

#[component]
fn Invoices(list: Vec<InvoiceInfo>) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <EmptyState message=move || i18n.t("billing-invoices-empty") testid="invoices-empty" /> }.into_any();
    }
    let rows = list
        .into_iter()
        .map(|invoice| {
            let status_key = if invoice.status == "paid" {
                "billing-invoice-paid"
            } else {
                "billing-invoice-open"
            };
            view! {
                <tr>
                    <td><Time at=invoice.created_at.clone() day_only=true /></td>
                    <td>{invoice.number}</td>
                    <td>{invoice.description}</td>
                    <td class="numeric">{format_money(invoice.amount_minor, &invoice.currency)}</td>
                    <td>{i18n.t(status_key)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable
            columns=&["billing-invoice-date", "billing-invoice-number", "billing-invoice-description", "billing-invoice-amount", "billing-invoice-status"]
            testid="invoices"
        >
            {rows}
        </DataTable>
    }
    .into_any()
}
