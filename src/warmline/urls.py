from django.contrib.auth import views as auth_views
from django.urls import include, path

from warmline.api.main import api
from warmline.core import forms, views


def _api_urls():
    """The API authenticates each call itself (token or session) and answers
    401 in JSON, so the login-redirect middleware must let it through."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False
    return patterns, app_name, namespace


urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("no-workspace/", views.no_workspace, name="no_workspace"),
    path("workspace/switch/", views.switch_workspace, name="switch_workspace"),
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=forms.EmailAuthenticationForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path("account/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password-reset/", auth_views.PasswordResetView.as_view(
        email_template_name="emails/password_reset.txt", subject_template_name="emails/password_reset_subject.txt"
    ), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password-reset/complete/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("invite/", views.accept_invitation, name="accept_invitation"),
    path("invite/<str:token>/", views.open_invitation, name="open_invitation"),
    path("settings/", views.settings_home, name="settings_home"),
    path("settings/members/", views.members, name="members"),
    path("settings/members/<str:member_id>/", views.member_detail, name="member_detail"),
    path("settings/teams/", views.teams, name="teams"),
    path("settings/teams/new/", views.team_new, name="team_new"),
    path("settings/teams/<str:team_id>/", views.team_detail, name="team_detail"),
    path("settings/teams/<str:team_id>/delete/", views.team_delete, name="team_delete"),
    path("settings/invitations/", views.invitations, name="invitations"),
    path("settings/invitations/<str:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("settings/invitations/<str:invitation_id>/resend/", views.invitation_resend, name="invitation_resend"),
    path("settings/tokens/", views.tokens, name="tokens"),
    path("settings/tokens/<str:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("network/", include("warmline.network.urls")),
    path("paths/", include("warmline.paths.urls")),
    path("targeting/", include("warmline.targeting.urls")),
    path("followups/", include("warmline.followups.urls")),
    path("insights/", include("warmline.insights.urls")),
    path("", include("warmline.referrals.urls")),
    path("api/v1/", _api_urls()),
]
