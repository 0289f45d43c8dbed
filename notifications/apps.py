from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "消息通知"

    def ready(self):
        from notifications import receivers  # noqa: F401  (connects the audit chain alarm)
