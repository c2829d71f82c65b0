"""Routes of the referral pipeline (under /referrals/) and of its settings (under /settings/pipeline/)."""

from django.urls import path

from warmline.referrals import views

app_name = "referrals"

urlpatterns = [
    path("referrals/", views.board, name="home"),
    path("referrals/mine/", views.mine, name="mine"),
    path("referrals/list/", views.referral_list, name="list"),
    path("referrals/new/", views.new_referral, name="new"),
    path("referrals/people/suggestions/", views.person_suggestions, name="person_suggestions"),
    path("referrals/people/<str:person_id>/notes/", views.person_note, name="person_note"),
    path("referrals/people/<str:person_id>/moments/", views.person_moment, name="person_moment"),
    path("referrals/companies/<str:company_id>/notes/", views.company_note, name="company_note"),
    path("referrals/suggestions/<str:suggestion_id>/dismiss/", views.dismiss_suggestion, name="dismiss_suggestion"),
    path("referrals/asks/", views.asks, name="asks"),
    path("referrals/asks/new/", views.new_ask, name="new_ask"),
    path("referrals/asks/<str:ask_id>/", views.ask_detail, name="ask"),
    path("referrals/asks/<str:ask_id>/update/", views.ask_update, name="ask_update"),
    path("referrals/asks/<str:ask_id>/introduction/", views.ask_introduction, name="ask_introduction"),
    path("referrals/<str:referral_id>/", views.detail, name="detail"),
    path("referrals/<str:referral_id>/move/", views.move, name="move"),
    path("referrals/<str:referral_id>/reopen/", views.reopen, name="reopen"),
    path("referrals/<str:referral_id>/reassign/", views.reassign, name="reassign"),
    path("referrals/<str:referral_id>/confirm/", views.confirm, name="confirm"),
    path("referrals/<str:referral_id>/value/", views.value, name="value"),
    path("referrals/<str:referral_id>/notes/", views.referral_note, name="note"),
    path("settings/pipeline/", views.pipeline_settings, name="settings"),
    path("settings/pipeline/save/", views.pipeline_settings_save, name="settings_save"),
    path("settings/pipeline/stages/", views.stage_save, name="stage_new"),
    path("settings/pipeline/stages/<str:stage_id>/", views.stage_save, name="stage_edit"),
    *(path(f"settings/pipeline/stages/<str:stage_id>/{action}/", views.stage_action, {"action": action},
           name=f"stage_{action}") for action in ("left", "right", "archive", "restore", "delete")),
]
