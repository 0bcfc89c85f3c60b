"""The yardstick of bench/pages.py: a bare Flask "hello", served by the same gunicorn."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello"


@app.get("/healthz")
def healthz():
    return "ok"
