from django.urls import path

from org import views

app_name = "org"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("units/", views.UnitListView.as_view(), name="unit_list"),
    path("units/new/", views.UnitCreateView.as_view(), name="unit_create"),
    path("units/import/", views.UnitImportView.as_view(), name="unit_import"),
    path("units/import/template/", views.UnitImportTemplateView.as_view(), name="unit_import_template"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("units/<int:pk>/edit/", views.UnitUpdateView.as_view(), name="unit_update"),
    path("units/<int:pk>/move/", views.UnitMoveView.as_view(), name="unit_move"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/import/", views.UserImportView.as_view(), name="user_import"),
    path("users/import/template/", views.UserImportTemplateView.as_view(), name="user_import_template"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/edit/", views.UserUpdateView.as_view(), name="user_update"),
    path("users/<int:pk>/unlock/", views.UserUnlockView.as_view(), name="user_unlock"),
    path("users/<int:pk>/password-reset/", views.UserPasswordResetView.as_view(), name="user_password_reset"),
    path("users/<int:pk>/roles/", views.UserRolesView.as_view(), name="user_roles"),
    path(
        "users/<int:pk>/roles/<int:assignment_pk>/revoke/",
        views.RoleRevokeView.as_view(),
        name="role_revoke",
    ),
    path("policy/", views.PolicyView.as_view(), name="policy"),
]
