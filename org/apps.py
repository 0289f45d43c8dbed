from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = "组织机构"

    def ready(self):
        from django.db.models.signals import post_migrate

        from core import scoping
        from org.models import Unit
        from org.roles import sync_builtin_roles
        from org.selectors import grant_rows

        # core.scoping decides data scope; org gives it the grants and the tree (core imports no app)
        scoping.use(grants=grant_rows, units=Unit)

        # every app's permissions exist only after its own post_migrate: sync after each
        post_migrate.connect(sync_builtin_roles, dispatch_uid="org.sync_builtin_roles")
