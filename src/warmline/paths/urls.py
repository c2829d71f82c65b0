from django.urls import path

from warmline.paths import views

app_name = "paths"

urlpatterns = [
    path("", views.home, name="home"),
    path("people/<str:person_id>/", views.person, name="person"),
    path("accounts/<str:company_id>/", views.account, name="account"),
    path("lists/", views.lists, name="lists"),
    path("lists/<str:list_id>/", views.account_list, name="list"),
    path("lists/<str:list_id>/delete/", views.account_list_delete, name="list_delete"),
]
