"""Echo: returns its input unchanged. Run: python3 forewarm_runtime.py echo.py"""


def handle(data):
    return data
