//! `/o/{slug}/team`: the members (role changes and removal for those allowed), invitations
//! (invite, resend, cancel) and leaving. Each form works without JavaScript.

use leptos::{form::ActionForm, prelude::*};

use super::layout::WithOrg;
use crate::{
    auth::view::{continue_after, use_current_user},
    forms::{FormAlert, Submit, form_error},
    i18n::use_i18n,
    invitations::{
        api::{CancelInvitation, InviteMember, ResendInvitation, list_invitations},
        model::{INVITABLE_ROLES, InvitationInfo},
    },
    orgs::{
        api::{ChangeMemberRole, LeaveOrg, RemoveMember, list_members},
        model::{MemberInfo, OrgInput, OrgSummary},
        permissions::{Permission, Role},
    },
    ui::{Avatar, Confirm, DataTable, Dialog, Loaded, Time},
};

/// `/o/{slug}/team`.
#[component]
pub fn TeamPage() -> impl IntoView {
    view! { <WithOrg render=|org| view! { <Team org /> } /> }
}

/// The actions of the member rows, shared by every row.
#[derive(Clone, Copy)]
struct MemberActions {
    change_role: ServerAction<ChangeMemberRole>,
    remove: ServerAction<RemoveMember>,
}

#[component]
fn Team(org: OrgSummary) -> impl IntoView {
    let i18n = use_i18n();
    let actions = MemberActions {
        change_role: ServerAction::<ChangeMemberRole>::new(),
        remove: ServerAction::<RemoveMember>::new(),
    };
    let invite = ServerAction::<InviteMember>::new();
    let leave = ServerAction::<LeaveOrg>::new();
    continue_after(leave, "/orgs");
    let role_error = form_error(actions.change_role);
    let remove_error = form_error(actions.remove);
    let leave_error = form_error(leave);
    let org_id = org.id.clone();
    let members = Resource::new(
        move || (actions.change_role.version().get(), actions.remove.version().get()),
        move |_| list_members(OrgInput { org: org_id.clone() }),
    );
    let can_invite = org.role.can(Permission::InvitationCreate);
    let org = StoredValue::new(org);
    view! {
        <section class="settings-block" aria-labelledby="members-title">
            <h2 id="members-title">{move || i18n.t("team-members-title")}</h2>
            <FormAlert error=role_error />
            <FormAlert error=remove_error />
            <Loaded resource=members ok=move |list| view! { <MembersTable org=org.get_value() list actions /> } />
        </section>
        {can_invite.then(|| view! { <Invitations org=org.get_value() invite /> })}
        <section class="settings-block" aria-labelledby="leave-title">
            <h2 id="leave-title">{move || i18n.t("team-leave-title")}</h2>
            <Loaded
                resource=members
                ok={move |list: Vec<MemberInfo>| {
                    view! { <LeaveForm org=org.get_value() list leave error=leave_error /> }
                }}
            />
        </section>
    }
    .into_any()
}

/// Leaving, for anyone but the only owner (who cannot leave: the reason instead of a button
/// that could only fail).
#[component]
fn LeaveForm(
    org: OrgSummary,
    list: Vec<MemberInfo>,
    leave: ServerAction<LeaveOrg>,
    error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let owners = list.iter().filter(|member| member.role == Role::Owner).count();
    if org.role == Role::Owner && owners <= 1 {
        return view! { <p data-testid="leave-sole-owner">{move || i18n.t("team-leave-sole-owner")}</p> }
            .into_any();
    }
    view! {
        <p>{move || i18n.t("team-leave-intro")}</p>
        <ActionForm action=leave>
            <FormAlert error />
            <input type="hidden" name="org" value=org.id />
            <button type="submit" class="btn btn-secondary">{move || i18n.t("team-leave-submit")}</button>
        </ActionForm>
    }
    .into_any()
}

/// The roles `actor` may give: owners any, admins up to admin.
fn assignable_roles(actor: Role) -> Vec<Role> {
    Role::ALL.into_iter().filter(|role| actor == Role::Owner || *role != Role::Owner).collect()
}

#[component]
fn MembersTable(org: OrgSummary, list: Vec<MemberInfo>, actions: MemberActions) -> impl IntoView {
    let i18n = use_i18n();
    let me = use_current_user().get_untracked().map(|user| user.id).unwrap_or_default();
    let can_manage = org.role.can(Permission::MemberUpdate);
    view! {
        <DataTable columns=&["team-name", "team-email", "team-role", "team-joined"] actions=can_manage testid="members">
            {list
                .into_iter()
                .map(|member| {
                    // Admins do not manage owners; nobody manages themselves here (leaving
                    // and transferring have their own forms).
                    let manageable = can_manage && member.user_id != me
                        && (org.role == Role::Owner || member.role != Role::Owner);
                    let role = member.role;
                    view! {
                        <tr data-member=member.email.clone()>
                            <td>
                                <span class="person">
                                    <Avatar name=member.name.clone() src=member.avatar.clone().map(|picture| picture.small) />
                                    {member.name.clone()}
                                </span>
                            </td>
                            <td>{member.email.clone()}</td>
                            <td data-testid="member-role">{move || i18n.t(role.label_key())}</td>
                            <td><Time at=member.joined_at.clone() /></td>
                            {can_manage
                                .then(|| {
                                    view! {
                                        <td class="row-actions">
                                            {manageable
                                                .then(|| {
                                                    view! { <MemberControls org=org.clone() member=member.clone() actions /> }
                                                })}
                                        </td>
                                    }
                                })}
                        </tr>
                    }
                })
                .collect_view()}
        </DataTable>
    }
    .into_any()
}

#[component]
fn MemberControls(org: OrgSummary, member: MemberInfo, actions: MemberActions) -> impl IntoView {
    let i18n = use_i18n();
    let select_id = format!("role-{}", member.user_id);
    let name = member.name.clone();
    let label_name = name.clone();
    let confirm_name = name.clone();
    let org_name = org.name.clone();
    let (role_org, remove_org) = (org.id.clone(), org.id.clone());
    let (role_user, remove_user) = (member.user_id.clone(), member.user_id.clone());
    view! {
        <ActionForm action=actions.change_role attr:class="inline-form">
            <input type="hidden" name="org" value=role_org />
            <input type="hidden" name="user_id" value=role_user />
            <label class="visually-hidden" for=select_id.clone()>
                {move || i18n.t_args("team-role-of", &[("name", label_name.clone().into())])}
            </label>
            <select id=select_id name="role">
                {assignable_roles(org.role)
                    .into_iter()
                    .map(|role| {
                        view! {
                            <option value=role.as_str() selected={role == member.role}>
                                {move || i18n.t(role.label_key())}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <button type="submit" class="btn btn-secondary">{move || i18n.t("team-role-save")}</button>
        </ActionForm>
        <Confirm open=move || i18n.t("team-remove")>
            <ActionForm action=actions.remove>
                <input type="hidden" name="org" value=remove_org />
                <input type="hidden" name="user_id" value=remove_user />
                <p>
                    {move || {
                        i18n.t_args(
                            "team-remove-confirm",
                            &[("name", confirm_name.clone().into()), ("organization", org_name.clone().into())],
                        )
                    }}
                </p>
                <button type="submit" class="btn btn-danger">
                    {move || i18n.t_args("team-remove-submit", &[("name", name.clone().into())])}
                </button>
            </ActionForm>
        </Confirm>
    }
    .into_any()
}

#[component]
fn Invitations(org: OrgSummary, invite: ServerAction<InviteMember>) -> impl IntoView {
    let i18n = use_i18n();
    let resend = ServerAction::<ResendInvitation>::new();
    let cancel = ServerAction::<CancelInvitation>::new();
    let invite_error = form_error(invite);
    let resend_error = form_error(resend);
    let cancel_error = form_error(cancel);
    let org_id = org.id.clone();
    let invitations = Resource::new(
        move || (invite.version().get(), resend.version().get(), cancel.version().get()),
        move |_| list_invitations(OrgInput { org: org_id.clone() }),
    );
    let sent = move || match invite.value().get() {
        Some(Ok(info)) => Some(i18n.t_args("invite-sent", &[("email", info.email.into())])),
        _ => None,
    };
    let resent = move || matches!(resend.value().get(), Some(Ok(())));
    let form_org = org.id.clone();
    view! {
        <section class="settings-block" aria-labelledby="invite-title">
            <Dialog id="invite-title" open=move || i18n.t("invite-open") expanded=Signal::derive(move || invite_error.get().is_some())>
                <ActionForm action=invite attr:novalidate=true>
                    <h2>{move || i18n.t("invite-title")}</h2>
                    <FormAlert error=invite_error />
                    <input type="hidden" name="org" value=form_org />
                    <crate::forms::Field name="email" label="field-email" error=invite_error kind="email" autocomplete="off" maxlength=254 />
                    <div class="field">
                        <label for="invite-role">{move || i18n.t("team-role")}</label>
                        <select id="invite-role" name="role">
                            {INVITABLE_ROLES
                                .into_iter()
                                .map(|role| {
                                    view! {
                                        <option value=role.as_str() selected={role == Role::Member}>
                                            {move || i18n.t(role.label_key())}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </div>
                    <Submit label="invite-submit" pending=invite.pending() />
                </ActionForm>
            </Dialog>
            {move || sent().map(|text| view! { <p role="status">{text}</p> })}
            <h2>{move || i18n.t("invitations-title")}</h2>
            <FormAlert error=resend_error />
            <FormAlert error=cancel_error />
            <Show when=resent>
                <p role="status">{move || i18n.t("invitation-resent")}</p>
            </Show>
            <Loaded
                resource=invitations
                ok={
                    let org_id = org.id.clone();
                    move |list: Vec<InvitationInfo>| {
                        if list.is_empty() {
                            view! { <p data-testid="invitations-empty">{move || i18n.t("invitations-empty")}</p> }
                                .into_any()
                        } else {
                            view! { <InvitationsTable org_id=org_id.clone() list resend cancel /> }.into_any()
                        }
                    }
                }
            />
        </section>
    }
    .into_any()
}

#[component]
fn InvitationsTable(
    org_id: String,
    list: Vec<InvitationInfo>,
    resend: ServerAction<ResendInvitation>,
    cancel: ServerAction<CancelInvitation>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <DataTable columns=&["team-email", "team-role", "invitations-by", "invitations-expires"] actions=true testid="invitations">
            {list
                .into_iter()
                .map(|invitation| {
                    let role = invitation.role;
                    let expired = invitation.expired;
                    let (resend_org, cancel_org) = (org_id.clone(), org_id.clone());
                    let (resend_id, cancel_id) = (invitation.id.clone(), invitation.id.clone());
                    view! {
                        <tr data-invitation=invitation.email.clone()>
                            <td>{invitation.email.clone()}</td>
                            <td>{move || i18n.t(role.label_key())}</td>
                            <td>{invitation.invited_by.clone().unwrap_or_else(|| "—".into())}</td>
                            <td>
                                {if expired {
                                    view! { <strong class="expired">{move || i18n.t("invitations-expired")}</strong> }.into_any()
                                } else {
                                    view! { <Time at=invitation.expires_at.clone() /> }.into_any()
                                }}
                            </td>
                            <td class="row-actions">
                                <ActionForm action=resend attr:class="inline-form">
                                    <input type="hidden" name="org" value=resend_org />
                                    <input type="hidden" name="invitation" value=resend_id />
                                    <button type="submit" class="btn btn-quiet">{move || i18n.t("invitations-resend")}</button>
                                </ActionForm>
                                <ActionForm action=cancel attr:class="inline-form">
                                    <input type="hidden" name="org" value=cancel_org />
                                    <input type="hidden" name="invitation" value=cancel_id />
                                    <button type="submit" class="btn btn-quiet">{move || i18n.t("invitations-cancel")}</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
        </DataTable>
    }
    .into_any()
}
