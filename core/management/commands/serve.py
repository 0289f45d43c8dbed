"""manage.py serve — the embedded default (R-NF-3): the web application and the background queue in
one process on 127.0.0.1, nothing else to start.

The web side is Django's threaded WSGI server (the one behind runserver, without the autoreloader);
static files come from WhiteNoise (run collectstatic first). The queue is Huey's own Consumer with
thread workers and the periodic scheduler (reminders every 10 minutes), started in this process
without installing signal handlers. Production runs gunicorn and `manage.py run_huey` instead
(docs/deployment.md).
"""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.core.servers.basehttp import get_internal_wsgi_application, run
from django.utils.module_loading import autodiscover_modules
from huey.consumer import Consumer


class EmbeddedConsumer(Consumer):
    """Huey's consumer, run from a thread: the process's signals stay with the web server."""

    def _set_signal_handlers(self):
        pass


def start_embedded_consumer(huey, *, workers: int = 2) -> tuple[EmbeddedConsumer, threading.Thread]:
    consumer = EmbeddedConsumer(
        huey, workers=workers, worker_type="thread", periodic=True, check_worker_health=True
    )
    thread = threading.Thread(target=consumer.run, name="huey-consumer", daemon=True)
    thread.start()
    return consumer, thread


class Command(BaseCommand):
    help = "在127.0.0.1上启动督办平台：网页与后台队列（提醒、预警、通知）在同一进程中运行"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="端口，默认8000")
        parser.add_argument("--host", default="127.0.0.1", help="监听地址，默认127.0.0.1")
        parser.add_argument("--workers", type=int, default=2, help="后台队列线程数，默认2")
        parser.add_argument("--no-queue", action="store_true", help="不启动内嵌队列（另有队列进程时使用）")

    def handle(self, *args, port, host, workers, no_queue, **options):
        from huey.contrib.djhuey import HUEY

        self.check(display_num_errors=False)
        autodiscover_modules("tasks")  # registers every app's queue jobs, periodic ones included
        consumer = None
        if not no_queue:
            if HUEY.immediate:
                self.stdout.write("队列为即时模式（DUBAN_QUEUE_IMMEDIATE=1），不启动后台线程")
            else:
                consumer, _ = start_embedded_consumer(HUEY, workers=workers)
                backend = type(HUEY.storage).__name__.replace("Storage", "")
                self.stdout.write(f"后台队列已启动（{backend}，{workers}个线程，每10分钟扫描提醒）")

        def on_bind(bound_port):
            self.stdout.write(self.style.SUCCESS(f"督办平台已启动：http://{host}:{bound_port}/"), ending="\n")
            self.stdout.write("按 Ctrl+C 停止")
            self.stdout.flush()

        def stop_on_term(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop_on_term)  # a service manager's stop: shut the queue down cleanly
        try:
            run(host, port, get_internal_wsgi_application(), threading=True, on_bind=on_bind)
        except OSError as exc:
            raise CommandError(f"无法在{host}:{port}启动：{exc}") from exc
        except KeyboardInterrupt:
            self.stdout.write("正在停止……")
        finally:
            if consumer is not None:
                consumer.stop(graceful=True)
                self.stdout.write("后台队列已停止")
