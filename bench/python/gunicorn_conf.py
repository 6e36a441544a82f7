"""gunicorn hooks for the benchmark: print the bound URL (the port is chosen by the OS) and a
line per worker once it has loaded the app, so the benchmark starts loading only when both are."""


def when_ready(server):
    print(f"listening on {server.LISTENERS[0]}", flush=True)


def post_worker_init(worker):
    print("worker ready", flush=True)
