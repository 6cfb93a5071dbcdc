// SPDX-License-Identifier: MIT
#include "prosecorpus.h"

namespace reposcope::test {

using findings::Severity;

const std::vector<ProseCase> &proseCorpus() {
    static const std::vector<ProseCase> corpus = {
        {"numbered, bold title with the severity in parentheses",
         R"MD(Here is what I found in the code.

1. **SQL injection (Critical)** — `app/db.py:12` builds the query with `query = "SELECT id FROM invoices WHERE customer = '%s'" % customer`. Use a bound parameter.
2. **Path traversal (High)** — in `app/files.py` (line 7), `os.path.join(INVOICE_DIR, name)` lets `../` escape the folder.
3. **Hard-coded secret (Medium)**: `SECRET_KEY = "s3cr3t"` is committed in app/config.py line 4.

Summary: three issues, fix the SQL injection first.
)MD",
         {{Severity::Critical, "SQL injection", "app/db.py:12-12",
           R"(query = "SELECT id FROM invoices WHERE customer = '%s'" % customer)", "", "",
           "Use a bound parameter."},
          {Severity::High, "Path traversal", "app/files.py:7-7", "os.path.join(INVOICE_DIR, name)"},
          {Severity::Medium, "Hard-coded secret", "app/config.py:4-4", R"(SECRET_KEY = "s3cr3t")"}},
         "three issues"},

        {"severity first inside the bold lead, lines N–M of path",
         R"MD(1. **Critical: SQL injection in `invoices_for`** – lines 12–14 of app/db.py format the customer into SQL (`"... '%s'" % customer`).
)MD",
         // "**Critical:**" opens the format's bullet (a bold severity and a colon): its parts
         // are split at the dashes, and no part is a quote.
         {{Severity::Critical, "SQL injection in `invoices_for`", "app/db.py:12-14", ""}}},

        {"emoji bullets under a findings heading",
         R"MD(### Findings

- 🔴 **SQL injection** in `app/db.py:12`: the `customer` value is formatted into `query`.
- 🟠 **Path traversal** in `app/files.py:7` — `os.path.join(INVOICE_DIR, name)` is not checked.
- 🟡 **Weak signature** in `app/auth.py:7`: MD5 via `hashlib.md5(...)`.
- 🟢 **Debug server** binds `0.0.0.0` (app/server.py:31).
)MD",
         {{Severity::Critical, "SQL injection", "app/db.py:12-12", "customer"},
          {Severity::High, "Path traversal", "app/files.py:7-7", "os.path.join(INVOICE_DIR, name)"},
          {Severity::Medium, "Weak signature", "app/auth.py:7-7", "hashlib.md5(...)"},
          {Severity::Low, "Debug server", "app/server.py:31-31", "0.0.0.0"}}},

        {"headed sections with a source and a closing summary section",
         R"MD(## Security review

### 1. SQL injection in `invoices_for` (Critical)

In `app/db.py` (line 12) the customer name from the query string is formatted into the SQL text:

`query = "SELECT id, customer, total FROM invoices WHERE customer = '%s'" % customer`

The value comes from `app/routes.py:13`. Use a bound parameter.

### 2. Path traversal (High)

`app/files.py` line 7 joins the requested name onto the invoice folder: `os.path.join(INVOICE_DIR, name)`.

## Summary

Two issues; the SQL injection (Critical) in app/db.py:12 is the urgent one.
)MD",
         {{Severity::Critical, "SQL injection in `invoices_for`", "app/db.py:12-12",
           R"(query = "SELECT id, customer, total FROM invoices WHERE customer = '%s'" % customer)",
           "", "app/routes.py:13-13 app/db.py:12-12", "Use a bound parameter."},
          {Severity::High, "Path traversal", "app/files.py:7-7",
           "os.path.join(INVOICE_DIR, name)"}},
         "urgent"},

        {"whole-bold lines as section heads, a flow that reaches",
         R"MD(**1. SQL injection — Critical**

The `customer` parameter reaches the query at app/db.py:12 (`query = "..." % customer`) after being read at app/routes.py:13.

**2. Open debug server — Low**

app/server.py:31 runs `app.run(host="0.0.0.0", debug=settings.DEBUG)`.
)MD",
         {{Severity::Critical, "SQL injection", "app/db.py:12-12", R"(query = "..." % customer)",
           "", "app/routes.py:13-13 app/db.py:12-12"},
          {Severity::Low, "Open debug server", "app/server.py:31-31",
           R"(app.run(host="0.0.0.0", debug=settings.DEBUG))"}}},

        {"paragraphs that start with a severity word",
         R"MD(Critical — SQL injection: app/db.py:12 formats `customer` into the SQL string.

High — Path traversal: app/files.py:7 uses `os.path.join(INVOICE_DIR, name)` unchecked.
)MD",
         {{Severity::Critical, "SQL injection", "app/db.py:12-12", "customer"},
          {Severity::High, "Path traversal", "app/files.py:7-7",
           "os.path.join(INVOICE_DIR, name)"}}},

        {"a table whose columns are not the format's, severity as emoji and word",
         R"MD(| # | Problem | Where | Rating |
|---|---|---|---|
| 1 | SQL injection via string formatting | `app/db.py:12` | 🔴 Critical |
| 2 | Unchecked file name | `app/files.py:7` | 🟠 High |
| 3 | Slow report query | `app/reports.py:40` | n/a |
)MD",
         {{Severity::Critical, "SQL injection via string formatting", "app/db.py:12-12", ""},
          {Severity::High, "Unchecked file name", "app/files.py:7-7", ""}}},

        {"nested lists under severity groups",
         R"MD(## Findings by severity

- **High**
  - SQL injection in `app/db.py:12` through `"... '%s'" % customer`.
  - Path traversal in `app/files.py:7`.
- **Low**
  - Timing leak: `signature == sign(user_id)` at app/auth.py:13.
)MD",
         {{Severity::High, "SQL injection", "app/db.py:12-12", R"("... '%s'" % customer)"},
          {Severity::High, "Path traversal", "app/files.py:7-7", ""},
          {Severity::Low, "Timing leak", "app/auth.py:13-13", "signature == sign(user_id)"}}},

        {"nested lists under topic items, one topic without findings",
         R"MD(1. **Authentication**
   - **Critical:** hard-coded signing key in `app/config.py:4` (`SECRET_KEY = "s3cr3t-invoicer-2019"`).
   - **Medium:** MD5 signature in `app/auth.py:7`.
2. **Installation**
   - Run `pip install -r requirements.txt` first; see requirements.txt:1.
)MD",
         // "**Critical:**" opens the format's bullet; with one part that cites inside its
         // sentence, it is read like prose.
         {{Severity::Critical, "hard-coded signing key", "app/config.py:4-4",
           R"(SECRET_KEY = "s3cr3t-invoicer-2019")"},
          {Severity::Medium, "MD5 signature", "app/auth.py:7-7", ""}}},

        {"Windows paths with backslashes",
         R"MD(1. Command injection (High) in `scripts\backup.py:22`: `subprocess.call("tar czf " + name, shell=True)`.
2. Insecure temporary file (medium severity) at src\app\web.py line 9 (`open("/tmp/x", "w")`).
)MD",
         {{Severity::High, "Command injection", "scripts/backup.py:22-22",
           R"(subprocess.call("tar czf " + name, shell=True))"},
          {Severity::Medium, "Insecure temporary file", "src/app/web.py:9-9",
           R"(open("/tmp/x", "w"))"}}},

        {"./ prefix, severity word after the title",
         R"MD(- **Open redirect** (medium severity): `./app/routes.py:30` passes `next` straight to `redirect(next)`.
)MD",
         {{Severity::Medium, "Open redirect", "./app/routes.py:30-30", "redirect(next)"}}},

        {"hyphen range and Severity: inside the lead",
         R"MD(1. **Missing authorization on export** — Severity: High. The handler at app/routes.py:10-12 returns `jsonify(db.all_invoices())` to anyone.
)MD",
         {{Severity::High, "Missing authorization on export", "app/routes.py:10-12",
           "jsonify(db.all_invoices())"}}},

        {"instructions and an overview: no findings",
         R"MD(The repository is a small Flask application. `app/routes.py` defines the routes, `app/db.py` wraps SQLite and `app/auth.py` signs tokens.

1. Install the dependencies with `pip install -r requirements.txt`.
2. Run `python -m app.server` (see app/server.py:31).
3. Open http://localhost:5000.

1. **High priority:** add input validation.
2. **Low priority:** write more tests.

I did not find anything critical.
)MD",
         {}},

        {"files mentioned in passing: no findings",
         R"MD(I looked at app/db.py:1-40, app/routes.py:1-30 and app/auth.py:1-20. The code is short and readable; the high-level structure is fine. See line 12 of app/db.py for the query helper.

- `app/db.py:12` – query helper
- `app/routes.py:13` – request parsing
- **Critical path**: app/server.py:31 starts everything.
)MD",
         {}},

        {"bullet with the severity after the title and a bare location",
         R"MD(* SQL injection (High) - app/db.py line 12 uses `%` formatting: `query = "..." % customer`.
)MD",
         {{Severity::High, "SQL injection", "app/db.py:12-12", R"(query = "..." % customer)"}}},

        {"a heading and field lines, severity on a field line (the headed format)",
         R"MD(### SQL injection in invoices_for

- **File:** `app/db.py`, line 12
- **Severity:** Critical
- **Code:** `query = "..." % customer`
)MD",
         {{Severity::Critical, "SQL injection in invoices_for", "app/db.py:12-12",
           R"(query = "..." % customer)"}}},

        {"severity group headings with emoji, one finding per subsection",
         R"MD(## 🔴 Critical

### SQL injection in `invoices_for`
`app/db.py:12` formats the customer into the SQL string: `query = "..." % customer`.

## 🟢 Low

### Timing-unsafe comparison
`if signature == sign(user_id):` in app/auth.py line 13 is not constant-time.
)MD",
         {{Severity::Critical, "SQL injection in `invoices_for`", "app/db.py:12-12",
           R"(query = "..." % customer)"},
          {Severity::Low, "Timing-unsafe comparison", "app/auth.py:13-13",
           "if signature == sign(user_id):"}}},

        {"a flow that flows to a template",
         R"MD(1. **Stored XSS (High)**: the comment body read at `app/routes.py:40` flows to `app/templates/comment.html:8`, where `{{ body|safe }}` renders it unescaped.
)MD",
         {{Severity::High, "Stored XSS", "app/templates/comment.html:8-8", "{{ body|safe }}", "",
           "app/routes.py:40-40 app/templates/comment.html:8-8"}}},

        {"a source that comes from another file",
         R"MD(- **High — Path traversal**: `return os.path.join(INVOICE_DIR, name)` in app/files.py:7; `name` comes from `request.args["file"]` at app/routes.py:20.
)MD",
         {{Severity::High, "Path traversal", "app/files.py:7-7",
           "return os.path.join(INVOICE_DIR, name)", "", "app/routes.py:20-20 app/files.py:7-7"}}},

        {"list items with indented paragraphs and a fenced quote",
         R"MD(1. **Hard-coded signing secret** (Medium)

   The secret used to sign tokens is committed in `app/config.py:4`:

   ```python
   SECRET_KEY = "s3cr3t-invoicer-2019"
   ```

   Anyone with the source can forge tokens.

2. **Weak token signature** (Medium)

   `app/auth.py:7` signs with `hashlib.md5((settings.SECRET_KEY + user_id).encode())`.
)MD",
         {{Severity::Medium, "Hard-coded signing secret", "app/config.py:4-4",
           R"(SECRET_KEY = "s3cr3t-invoicer-2019")", "", "", "forge tokens"},
          {Severity::Medium, "Weak token signature", "app/auth.py:7-7",
           "hashlib.md5((settings.SECRET_KEY + user_id).encode())"}}},

        {"a heading, prose, then a Severity line",
         R"MD(#### Unsafe debug mode
The server starts with `debug=settings.DEBUG` (app/server.py:31).
Severity: low
)MD",
         {{Severity::Low, "Unsafe debug mode", "app/server.py:31-31", ""}}},

        {"the bullet format, then a Summary: paragraph",
         R"MD(- [HIGH] Path traversal — app/files.py:7 — "return os.path.join(INVOICE_DIR, name)" — name is not checked.

Summary: one high finding.
)MD",
         {{Severity::High, "Path traversal", "app/files.py:7-7",
           "return os.path.join(INVOICE_DIR, name)", "", "", "name is not checked."}},
         "one high finding"},

        {"the headed format, then an In summary paragraph",
         R"MD(### [MEDIUM] Hard-coded secret
Location: app/config.py:4

In summary, rotate the key and read it from the environment.
)MD",
         {{Severity::Medium, "Hard-coded secret", "app/config.py:4-4", ""}},
         "rotate"},

        {"list items whose details are field lines",
         R"MD(1. **Server-side request forgery** (High)
   - Location: `app/webhooks.py:27`
   - Code: `requests.get(hook.url)`
   - Fix: allow-list the hosts.
)MD",
         {{Severity::High, "Server-side request forgery", "app/webhooks.py:27-27",
           "requests.get(hook.url)", "", "", "Fix: allow-list the hosts."}}},

        {"severity on an indented line under the item",
         R"MD(- **Insecure cookie**: the session cookie is set without `secure=True` in app/auth.py:22.
  Severity: low
)MD",
         {{Severity::Low, "Insecure cookie", "app/auth.py:22-22", "secure=True"}}},

        {"bold-lead paragraphs, a suggested fix is not the quote",
         R"MD(**SQL injection (critical).** The function `invoices_for` in app/db.py:12 interpolates `customer` into `query`; use `cursor.execute(sql, (customer,))` instead.

**Debug mode (low).** `debug=settings.DEBUG` at app/server.py:31.
)MD",
         // The nearest span (before the location by 4 characters) wins over `customer`.
         {{Severity::Critical, "SQL injection", "app/db.py:12-12", "invoices_for"},
          {Severity::Low, "Debug mode", "app/server.py:31-31", "debug=settings.DEBUG"}}},

        {"numbered heading, severity in brackets, Lines N–M of `path`",
         R"MD(### 3) Unbounded query [Medium]
Lines 40–52 of `app/reports.py` load every invoice into memory (`rows = db.all_invoices()`).
)MD",
         {{Severity::Medium, "Unbounded query", "app/reports.py:40-52",
           "rows = db.all_invoices()"}}},

        {"the bullet format and prose in one answer",
         R"MD(- [CRITICAL] SQL injection — app/db.py:12 — "query = '...' % customer" — formatted into SQL.

Additionally:

1. **Open redirect (Medium)** — `app/routes.py:30` calls `redirect(request.args["next"])`.
)MD",
         {{Severity::Critical, "SQL injection", "app/db.py:12-12", "query = '...' % customer"},
          {Severity::Medium, "Open redirect", "app/routes.py:30-30",
           R"(redirect(request.args["next"]))"}}},

        {"a table with file and line columns and a bold severity cell",
         R"MD(| Finding | File | Line | Risk rating |
|---|---|---|---|
| SQL injection | app/db.py | 12 | **High** |
| Verbose errors | app/server.py | 40-44 | Low |
)MD",
         {{Severity::High, "SQL injection", "app/db.py:12-12", ""},
          {Severity::Low, "Verbose errors", "app/server.py:40-44", ""}}},

        {"the GPT style: numbered item, Severity in parentheses, bold field lines",
         R"MD(1. **Insecure Direct Object Reference** (Severity: High)
   **Location:** `app/routes.py`, lines 25-31
   **Description:** Any user can fetch `/invoices/<id>` for any id.
   **Evidence:** `invoice = db.get_invoice(invoice_id)`
)MD",
         {{Severity::High, "Insecure Direct Object Reference", "app/routes.py:25-31",
           "invoice = db.get_invoice(invoice_id)", "", "",
           "Any user can fetch `/invoices/<id>` for any id."}}},

        {"emoji-led paragraphs and an Overall closing paragraph",
         R"MD(🔴 SQL injection in app/db.py:12 — `query = "..." % customer`.

🟡 Weak hash in app/auth.py:7 — `hashlib.md5(...)`.

Overall, fix the first one today.
)MD",
         {{Severity::Critical, "SQL injection", "app/db.py:12-12", R"(query = "..." % customer)"},
          {Severity::Medium, "Weak hash", "app/auth.py:7-7", "hashlib.md5(...)"}},
         "today"},

        {"the location inside the bold title",
         R"MD(- 🔴 **Critical — SQL injection in `app/db.py:12`**: `customer` is formatted into the query.
)MD",
         {{Severity::Critical, "SQL injection", "app/db.py:12-12", "customer"}}},

        {"a summary table after the findings adds none",
         R"MD(1. **SQL injection (Critical)** in `app/db.py:12`: `query = "..." % customer`.

## Summary

| Severity | Count |
|---|---|
| Critical | 1 |

- SQL injection (critical) in app/db.py:12.
)MD",
         {{Severity::Critical, "SQL injection", "app/db.py:12-12", R"(query = "..." % customer)"}}},

        {"related locations without a flow",
         R"MD(1. **Signature compared with == (Low)**: `if signature == sign(user_id):` at app/auth.py:13; the same pattern is in app/admin.py:20 and app/api.py:8-9.
)MD",
         {{Severity::Low, "Signature compared with ==", "app/auth.py:13-13",
           "if signature == sign(user_id):", "app/admin.py:20-20 app/api.py:8-9"}}},

        {"heading with a trailing severity, paragraph after a blank line",
         R"MD(### Export without authorization: high

The `/admin/export` route in app/routes.py line 12 returns `jsonify(db.all_invoices())` without checking the token.

### Notes

The tests in tests/test_routes.py:5 were not shown.
)MD",
         {{Severity::High, "Export without authorization", "app/routes.py:12-12",
           "jsonify(db.all_invoices())"}}},

        {"CRLF line ends and a blockquote-free numbered list",
         "1. **Path traversal (High)** \xe2\x80\x94 `app/files.py:7`: `os.path.join(INVOICE_DIR, "
         "name)`.\r\n"
         "2. **Hard-coded secret (Medium)** \xe2\x80\x94 `app/config.py:4`: `SECRET_KEY = "
         "\"x\"`.\r\n"
         "\r\n"
         "In summary: two issues.\r\n",
         {{Severity::High, "Path traversal", "app/files.py:7-7", "os.path.join(INVOICE_DIR, name)"},
          {Severity::Medium, "Hard-coded secret", "app/config.py:4-4", R"(SECRET_KEY = "x")"}},
         "two issues"},
    };
    return corpus;
}

} // namespace reposcope::test
