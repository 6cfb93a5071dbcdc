#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Creates "invoicer", a small Flask application with the kinds of flaws a security review
# should report, as a git repository in the folder given (default /tmp/invoicer). The
# answer scripts/dev/demo-security-review.md cites its files and lines; stream it with
#   scripts/dev/fake-llama-server.py --answer scripts/dev/demo-security-review.md
set -euo pipefail
dest="${1:-/tmp/invoicer}"
rm -rf "$dest"
mkdir -p "$dest/app"
cd "$dest"

cat > app/routes.py <<'PY'
from flask import Flask, jsonify, request, send_file

from app import auth, db, files
from app.config import settings

app = Flask(__name__)
app.config["SECRET_KEY"] = settings.SECRET_KEY


@app.route("/invoices")
def list_invoices():
    user = auth.current_user(request)
    customer = request.args.get("customer", "")
    sort = request.args.get("sort", "date")
    return jsonify(db.invoices_for(customer, sort))


@app.route("/invoices/<invoice_id>/pdf")
def invoice_pdf(invoice_id):
    name = request.args.get("file", invoice_id + ".pdf")
    return send_file(files.invoice_path(name))


@app.route("/admin/export")
def export_all():
    # TODO: restrict to admins
    return jsonify(db.all_invoices())


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=settings.DEBUG)
PY

cat > app/db.py <<'PY'
import sqlite3

from app.config import settings


def connect():
    return sqlite3.connect(settings.DATABASE)


def invoices_for(customer, sort):
    conn = connect()
    query = "SELECT id, customer, total FROM invoices WHERE customer = '%s'" % customer
    query += " ORDER BY " + sort
    return conn.execute(query).fetchall()


def all_invoices():
    conn = connect()
    return conn.execute("SELECT * FROM invoices").fetchall()
PY

cat > app/files.py <<'PY'
import os

INVOICE_DIR = "/srv/invoicer/pdf"


def invoice_path(name):
    return os.path.join(INVOICE_DIR, name)
PY

cat > app/auth.py <<'PY'
import hashlib

from app.config import settings


def sign(user_id):
    return hashlib.md5((settings.SECRET_KEY + user_id).encode()).hexdigest()


def current_user(request):
    token = request.headers.get("X-Token", "")
    user_id, _, signature = token.partition(":")
    if signature == sign(user_id):
        return user_id
    return None
PY

cat > app/config.py <<'PY'
class settings:
    DATABASE = "invoices.db"
    DEBUG = True
    SECRET_KEY = "s3cr3t-invoicer-2019"
PY

cat > README.md <<'MD'
# invoicer

Serves invoices as JSON and PDF.
MD

git init -q
git -c user.name=Demo -c user.email=demo@example.com add -A
git -c user.name=Demo -c user.email=demo@example.com commit -qm "invoicer"
echo "$dest"
